"""Emergency plans (应急预案): grading, response levels, timed checklists."""
