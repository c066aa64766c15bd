"""Route test suites for partner organisations: load, run, compare, report.

Pure logic, no Flask: :mod:`.loader` reads and checks a suite,
:mod:`.runner` plans each scenario through a ``route(request)`` callable,
:mod:`.expectations` checks a response, :mod:`.compare` diffs two runs, and
:mod:`.reports` writes text, JSON, JUnit XML and accessible HTML.
"""

from lotse.scenarios.loader import Issue, Scenario, Suite, SuiteError, load_suite, load_suite_file
from lotse.scenarios.runner import ScenarioResult, SuiteRun, run_suite

__all__ = ["Issue", "Scenario", "Suite", "SuiteError", "load_suite", "load_suite_file",
           "ScenarioResult", "SuiteRun", "run_suite"]
