-- Quality gate on contacts_scd2: to do
/* the checks will come later */
