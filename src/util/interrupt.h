/*
 * The one line a run ended by SIGINT or SIGTERM prints: where it stopped.
 *
 *     interrupted by SIGTERM during downgrade of r0002 (revision 2 of 40): no report written
 *
 * interrupt_install() puts a handler on SIGINT and SIGTERM (also when the
 * shell started us with SIGINT ignored, as `cmd &` does without job control:
 * the run must stop, not carry on with a dead scratch server and report its
 * errors as findings). Install it before scratch_start(): the scratch's own
 * handlers (pg/cleanup.h) then run first, stop the server and remove its dir,
 * and hand the signal on to this one, which prints the line and ends the
 * process with the signal's default action (exit status 128+N: 130, 143).
 * No report is written after a signal, so none can hold a finding the
 * interruption caused.
 */
#ifndef GATE_UTIL_INTERRUPT_H
#define GATE_UTIL_INTERRUPT_H

void interrupt_install(void);

/*
 * For apply, which must still say where production is: SIGINT and SIGTERM
 * are only recorded (interrupt_pending()), the run stops at its next step,
 * reads production's revision, writes its report, and interrupt_finish()
 * (main, after the errors are printed) ends the process with the signal.
 */
void interrupt_defer(void);
/* The recorded signal (SIGINT, SIGTERM), or 0. */
int interrupt_pending(void);
/* "SIGINT" or "SIGTERM" for a recorded signal, else NULL. */
const char *interrupt_name(void);
/* Ends the process with the recorded signal's default action (exit status 130, 143); nothing when none. */
void interrupt_finish(void);

/* What the run does now ("upgrade of r0002 (revision 2 of 40)"); printed after "during ". */
void interrupt_where(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
