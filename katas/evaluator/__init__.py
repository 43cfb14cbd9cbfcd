"""The evaluator: the process that runs learners' files, apart from the judge.

serve.py is its loop (one learner process per check, answering the judge's requests),
isolation.py what it puts around a learner process, loading.py how it reads and executes a
learner's file, channel.py the only format in which values cross to the judge, and launch.py
how the judge starts it. Nothing in this package imports the judge (katas.sandbox) or the
reference: the learner's code shares a process with this package alone.
"""
