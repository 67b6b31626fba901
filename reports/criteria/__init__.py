"""Criteria assessments: the yearly self-assessment of a commune against a criteria set.

The same code serves the model's assessment and the yearly recognition "an toàn về an ninh, trật
tự" of communes and villages: only the criteria set (data an administrator loads) differs.

- `results.py`: reads (the results of one or many assessments, a unit's history, the workflow steps);
- `services.py`: writes (start, answers, submit, confirm or return), atomic and attributed;
- `forms.py`, `views.py`: the pages; `loader.py`: a set's groups and criteria loaded from a file.
The models stay in reports/models.py.
"""
