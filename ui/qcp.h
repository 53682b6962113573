#pragma once
// QCustomPlot's header declares its signals with the `signals` keyword (and loops with `foreach`), which QT_NO_KEYWORDS
// (on for all of ui/) removes; map it to Q_SIGNALS for this one include. Include this header
// instead of <qcustomplot.h>, only from .cpp files (never next to a core header that could
// pull in torch).

#ifndef signals
#define SYNTHEMBED_QCP_SIGNALS
#define signals Q_SIGNALS
#endif
#ifndef slots
#define SYNTHEMBED_QCP_SLOTS
#define slots Q_SLOTS
#endif
#ifndef foreach
#define SYNTHEMBED_QCP_FOREACH
#define foreach Q_FOREACH
#endif
#include <qcustomplot.h>
#ifdef SYNTHEMBED_QCP_FOREACH
#undef foreach
#undef SYNTHEMBED_QCP_FOREACH
#endif
#ifdef SYNTHEMBED_QCP_SIGNALS
#undef signals
#undef SYNTHEMBED_QCP_SIGNALS
#endif
#ifdef SYNTHEMBED_QCP_SLOTS
#undef slots
#undef SYNTHEMBED_QCP_SLOTS
#endif
