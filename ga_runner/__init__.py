"""The timetabling engine.

A standalone package: it imports nothing from Django or the back office's apps. Only
``ga_runner.engine`` needs the scientific stack (requirements/ga.txt); ``ga_runner.problem`` and
``ga_runner.formats`` are plain Python (3.9+) so that the back office can reuse them.
"""

PROBLEM_FORMAT = "timetable-problem/1"
RESULT_FORMAT = "timetable-result/1"
