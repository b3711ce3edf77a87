from celery import shared_task
from celery.signals import worker_ready

from scheduling import services
from scheduling.services import WebhookFailed, webhooks_send
from scheduling.supervisor import run_execute


@shared_task(bind=True, name="scheduling.tasks.run_schedule")
def run_schedule(self, run_id):
    """Solve one run. A message delivered twice finds the run already claimed and does nothing."""
    if not services.run_claim(run_id=run_id, task_id=self.request.id):
        return "not claimed"
    run_execute(run_id)
    return "done"


@shared_task(name="scheduling.tasks.reap_abandoned_runs")
def reap_abandoned_runs():
    return services.runs_reap_abandoned()


@worker_ready.connect
def reap_on_worker_start(**kwargs):
    services.runs_reap_abandoned()


@shared_task(bind=True, name="scheduling.tasks.webhook_deliver", max_retries=6)
def webhook_deliver(self, run_id):
    """POST the run's summary; retried with exponential backoff (2, 4, 8 … s) on failure."""
    try:
        return webhooks_send(run_id=run_id)
    except (OSError, WebhookFailed) as exc:
        raise self.retry(exc=exc, countdown=2 ** (self.request.retries + 1))
