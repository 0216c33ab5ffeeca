/* The spin guest's parts (main.c: the loop and its console commands). */
#ifndef SPIN_H
#define SPIN_H

/* scmi.c: an SCMI agent over the VM's shared memory and the HVC doorbell. */
void scmi_rate_set(int high);
void scmi_rate_get(void);
void scmi_rates(void);
void scmi_malformed(void);

/* pvtime.c: the stolen-time calls (DEN 0057A) and the vCPU's structure. */
void pvtime_show(void);
void pvtime_malformed(void);

#endif
