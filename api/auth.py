from ninja.security import HttpBearer, SessionAuth


class TokenAuth(HttpBearer):
    """`Authorization: Bearer ocop_…` with a per-user token (accounts.ApiToken)."""

    def authenticate(self, request, token):
        from accounts.services import authenticate_token

        user = authenticate_token(token)
        if user is not None:
            request.user = user
        return user


class OptionalAuth:
    """Public endpoints still recognise a token or session, so scoped extras can depend on who asks."""

    def __call__(self, request):
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("bearer "):
            user = TokenAuth()(request)
            if user is None:
                return None  # a wrong token is refused, not silently downgraded to anonymous
            return user
        return request.user if request.user.is_authenticated else True


# Authenticated endpoints: a token, or the browser session (with CSRF for unsafe methods).
AUTH = [TokenAuth(), SessionAuth()]
PUBLIC = [OptionalAuth()]
