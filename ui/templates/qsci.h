#pragma once
// QScintilla's public headers use Qt's `signals` / `slots` keywords, which this project turns off
// (QT_NO_KEYWORDS, see ui/CMakeLists.txt). Include QScintilla only through this header: it maps
// the keywords to their macro forms for the QScintilla headers alone.

#define signals Q_SIGNALS
#define slots Q_SLOTS
#include <Qsci/qscilexercustom.h>
#include <Qsci/qsciscintilla.h>
#include <Qsci/qsciscintillabase.h>
#include <Qsci/qscistyle.h>
#undef signals
#undef slots
