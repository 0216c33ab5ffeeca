/* rtvisor's version: printed at boot and returned by RTV_HC_VERSION (major << 16 | minor). */
#ifndef RTV_VERSION_H
#define RTV_VERSION_H

#define RTV_VERSION_MAJOR 0
#define RTV_VERSION_MINOR 1

#endif
