"""Grading a class: many learners' files for one kata, judged by the same sandbox as `kata check`.

What it is for: `kata grade` (katas.commands.grade) finds the submissions
(katas.grading.submissions), judges them in parallel with one warm evaluator per worker process
(katas.grading.pool), scores them (katas.grading.scoring), groups them by diagnosis and writes
the gradebook and the class report (katas.grading.gradebook, katas.grading.classreport), or one
Gradescope results.json (katas.grading.gradescope).
What it is not for: the learner's own loop (katas.commands.check), or deciding a verdict
(katas.sandbox and reference.diagnose do that).
"""
