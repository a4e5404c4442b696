"""Attacks shared by the suites that grade hostile notebooks (tests/test_red_team.py,
tests/test_nbgrader_commands.py, the hub's browser test): student code with @NAME@
placeholders that sub_code fills in."""
import re

SQL = '''
import sqlite3
_paths = [@GRADEBOOK@, "gradebook.db"] + ["../" * _i + "gradebook.db" for _i in range(1, 8)]
_d = os.getcwd()
while _d != "/":
    _d = os.path.dirname(_d)
    _paths.append(os.path.join(_d, "gradebook.db"))
for _p in _paths:
    try:
        _con = sqlite3.connect(f"file:{_p}?mode=rw", uri=True, timeout=1)
        _con.execute("UPDATE grade SET manual_score = 1000, extra_credit = 1000, needs_manual_grade = 0")
        _con.execute("UPDATE grade_cells SET max_score = 1000")
        _con.commit()
        print("SQL-WROTE", _p)
    except Exception as _e:
        print("SQL-FAILED", _p, type(_e).__name__)
'''


def sub_code(code: str, values: dict) -> str:
    for key, value in values.items():
        code = code.replace(f"@{key}@", value)
    assert not re.search(r"@[A-Z]+@", code), code
    return code
