from workers import app
from workers.queues import FETCH_TASK, INDEX_TASK, PARSE_TASK, POLL_TASK, PROCESSING_QUEUES


def test_each_stage_has_its_own_queue():
    assert PROCESSING_QUEUES == ("fetch", "parse", "index")
    router = app.amqp.router
    routes = {name: router.route({}, name)["queue"].name for name in (POLL_TASK, FETCH_TASK, PARSE_TASK, INDEX_TASK)}
    assert routes == {POLL_TASK: "fetch", FETCH_TASK: "fetch", PARSE_TASK: "parse", INDEX_TASK: "index"}


def test_tasks_are_registered_with_at_least_once_options():
    for name in (POLL_TASK, FETCH_TASK, PARSE_TASK, INDEX_TASK):
        task = app.tasks[name]
        assert task.acks_late and task.reject_on_worker_lost
    assert app.conf.task_time_limit > app.conf.task_soft_time_limit > 0
    assert app.conf.worker_prefetch_multiplier == 1


def test_the_newsdesk_setting_governs_retries_not_celerys_default_of_three():
    for name in (POLL_TASK, FETCH_TASK, PARSE_TASK, INDEX_TASK):
        assert app.tasks[name].max_retries is None  # StageTask.stage counts against NEWSDESK_MAX_RETRIES
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    assert app.conf.task_time_limit < visibility < 3600
