// The Training form (ui/train/run_builder) against core's settings table (core/train/settings.h):
// its fields start at the table's defaults and offer the table's ranges, and every setting it shows
// goes through setConfig() and comes back from config() unchanged. A setting added to the table is
// either shown by the form (and round-trips here) or listed below as one the form leaves to the CLI.

#include "ui/train/run_builder.h"

#include "core/runtime/runtime.h"
#include "core/train/settings.h"

#include <QAbstractSpinBox>
#include <QDoubleSpinBox>
#include <QSpinBox>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <string>
#include <type_traits>

using namespace synthembed;

namespace {

// Settings the form does not show: they keep core's defaults (the CLI has their flags).
const std::set<std::string> kNotInTheForm = {
    "project",      "lora_targets", "accumulation",     "beta1",       "beta2",       "eps", "clip",
    "linear_decay", "bf16",         "keep_checkpoints", "save_merged", "save_adapter"};
// Shown from the open project's samples (families and languages need a project: training_area_test).
const std::set<std::string> kFromTheProject = {"families", "languages"};

// A value other than the default that the row accepts (and the form can show).
template <class T> T otherValue(const train::RunSetting& s, const T& v) {
    if constexpr (std::is_same_v<T, bool>)
        return !v;
    else if constexpr (std::is_arithmetic_v<T>) {
        if (s.range.any()) return static_cast<T>(v + 1);
        // Inside the range, away from the default: the middle, to one decimal (every field shows that).
        const double mid = (s.range.min + std::min(s.range.max, 1000.0)) / 2;
        T o = static_cast<T>(std::is_integral_v<T> ? mid : std::floor(mid * 10) / 10);
        if (o == v) o = static_cast<T>(s.range.min);
        return o;
    } else if constexpr (std::is_same_v<T, std::string>)
        return std::string("x-") + s.key;
    else if constexpr (std::is_same_v<T, std::vector<std::string>>)
        return {"rejected"}; // statuses: a listed one
    else if constexpr (std::is_same_v<T, train::BatchMix>)
        return train::BatchMix::SameFamily;
    else if constexpr (std::is_same_v<T, train::Pooling>)
        return train::Pooling::Mean;
    else
        static_assert(sizeof(T) == 0, "a field type this test does not know");
}

// Every setting the form shows changed (data from a JSONL file, or project samples).
train::TrainConfig everyShownChanged(bool jsonl) {
    train::TrainConfig c;
    train::visitRunSettings(c, [&](const train::RunSetting& s, auto& field) {
        const std::string key = s.key;
        if (kNotInTheForm.count(key) || kFromTheProject.count(key)) return;
        if (key == "data" && !jsonl) return;
        if (key == "statuses" && jsonl) return;
        if (key == "device") return; // below: CUDA is only offered where there is a GPU
        field = otherValue(s, field);
    });
    c.device = cudaDeviceCount() > 0 ? "cuda" : "cpu";
    return c;
}

std::string joined(const std::vector<std::string>& keys) {
    std::string out;
    for (const auto& k : keys)
        out += (out.empty() ? "" : ", ") + k;
    return out;
}

} // namespace

class RunBuilderTest : public QObject {
    Q_OBJECT
  private Q_SLOTS:
    void initTestCase() { initialize(); }

    void startsAtCoresDefaultsWithTheTablesRanges() {
        ui::RunBuilder b;
        const train::TrainConfig d;
        const auto differ = train::differingSettings(d, b.config());
        QVERIFY2(differ.empty(),
                 qPrintable(QString::fromStdString("differs from core's default: " + joined(differ))));
        // Every field marked with a setting offers that row's range.
        int checked = 0;
        for (auto* w : b.findChildren<QAbstractSpinBox*>()) {
            const QString key = w->property("runSetting").toString();
            if (key.isEmpty()) continue;
            const auto row = train::findRunSetting(key.toStdString());
            QVERIFY2(row, qPrintable(key));
            double min = 0, max = 0;
            if (auto* i = qobject_cast<QSpinBox*>(w)) min = i->minimum(), max = i->maximum();
            if (auto* f = qobject_cast<QDoubleSpinBox*>(w)) min = f->minimum(), max = f->maximum();
            if (row->range.any()) {
                QCOMPARE(min, 0.0);
                QCOMPARE(max, double(std::numeric_limits<int>::max()));
            } else {
                QCOMPARE(min, row->range.min);
                QCOMPARE(max, std::min(row->range.max, double(std::numeric_limits<int>::max())));
            }
            ++checked;
        }
        QVERIFY2(checked >= 14, qPrintable(QString::number(checked)));
    }

    void everyShownSettingRoundTrips() {
        for (const bool jsonl : {true, false}) {
            ui::RunBuilder b;
            const auto want = everyShownChanged(jsonl);
            b.setConfig(want);
            const auto got = b.config();
            const auto differ = train::differingSettings(want, got);
            QVERIFY2(differ.empty(),
                     qPrintable(QStringLiteral("%1: not shown or not read back: %2")
                                    .arg(jsonl ? QStringLiteral("jsonl") : QStringLiteral("project"),
                                         QString::fromStdString(joined(differ)))));
            // And every setting the form is said to show really changed (the test can fail).
            const auto changed = train::differingSettings(train::TrainConfig{}, got);
            for (const auto& key : train::runSettingKeys()) {
                const bool expectChange = !kNotInTheForm.count(key) && !kFromTheProject.count(key) &&
                                          !(key == "data" && !jsonl) && !(key == "statuses" && jsonl) &&
                                          !(key == "device" && cudaDeviceCount() <= 0);
                const bool didChange = std::find(changed.begin(), changed.end(), key) != changed.end();
                QVERIFY2(didChange == expectChange, qPrintable(QString::fromStdString(key)));
            }
        }
    }
};

QTEST_MAIN(RunBuilderTest)
#include "run_builder_test.moc"
