#ifndef XLPROBE_H
#define XLPROBE_H

void xl_hostile(void);
void xl_raise_running_priority(void);

#endif
