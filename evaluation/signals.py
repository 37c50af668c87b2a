"""A producer's account linked after its holder was seated on a council: the conflict is recorded at once.

accounts.services.link_producer knows nothing of councils (accounts sits below evaluation), so evaluation listens
for the link itself.
"""

from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from producers.models import Producer


@receiver(m2m_changed, sender=Producer.accounts.through)
def record_conflicts_of_new_links(sender, instance, action, reverse, pk_set, **kwargs):
    if action != "post_add" or not pk_set:
        return
    from accounts.models import User
    from evaluation.council import record_link_conflicts

    if reverse:  # user.producers.add(producer, …)
        for producer in Producer.objects.filter(pk__in=pk_set):
            record_link_conflicts(user=instance, producer=producer)
    else:  # producer.accounts.add(user, …)
        for user in User.objects.filter(pk__in=pk_set):
            record_link_conflicts(user=user, producer=instance)
