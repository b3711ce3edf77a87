from celery import shared_task
from celery.signals import worker_ready

from scheduling import services
from scheduling.services import WebhookFailed, webhooks_send
from scheduling.supervisor import run_execute


@shared_task(bind=True, name="scheduling.tasks.run_schedule")
def run_schedule(self, run_id):
    """Solve one run. A message delivered twice finds the run already claimed and does nothing."""
    if not services.run_claim(run_id=run_id, task_id=self.request.id, worker=self.request.hostname):
        return "not claimed"
    run_execute(run_id)
    return "done"


@shared_task(name="scheduling.tasks.recover_runs")
def recover_runs():
    return services.runs_recover()


@shared_task(name="scheduling.tasks.expire_run_outputs")
def expire_run_outputs():
    return services.runs_expire_outputs()


@worker_ready.connect
def recover_on_worker_start(sender, **kwargs):
    # A worker restarting under its old name knows that runs it held are dead.
    services.runs_recover(restarted_worker=sender.hostname)


@shared_task(bind=True, name="scheduling.tasks.webhook_deliver", max_retries=6)
def webhook_deliver(self, run_id):
    """POST the run's summary; retried with exponential backoff (2, 4, 8 … s) on failure."""
    try:
        return webhooks_send(run_id=run_id)
    except (OSError, WebhookFailed) as exc:
        raise self.retry(exc=exc, countdown=2 ** (self.request.retries + 1))
