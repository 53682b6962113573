#pragma once
// QCustomPlot for ui/: its header still spells Qt's `signals`, `slots` and `foreach` keywords,
// which ui/ builds without (QT_NO_KEYWORDS keeps them away from core's headers, see
// HOUSE_STYLE.md). They are defined for this one header only. Include it last, after core's
// headers, and only from .cpp files.

#define signals Q_SIGNALS
#define slots Q_SLOTS
#define foreach Q_FOREACH
#include <qcustomplot.h>
#undef signals
#undef slots
#undef foreach
