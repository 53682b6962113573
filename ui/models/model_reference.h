#pragma once
// What the text in a GUI model picker names (Training's base model, Evaluation's models, Explorer's
// model): a folder, the hashing baseline, or a Hugging Face repo id (ORG/NAME[@revision]). A repo id
// in the Hugging Face cache resolves to its snapshot folder and is shown like a folder (size, dtype,
// memory); one that is not there says so and offers the Download... dialog, prefilled. Found on the
// disk alone (core/hub's locateModel): cheap enough to run on the GUI thread while the user types,
// never a network request.

#include <QCoreApplication>
#include <QString>

#include <functional>

class QLabel;
class QWidget;

namespace synthembed::ui {

struct ModelReference {
    Q_DECLARE_TR_FUNCTIONS(synthembed::ui::ModelReference)
public:
    enum class Kind {
        Empty,
        Hashing,       ///< "hash" / "hash:DIM": the model-free baseline
        Folder,        ///< an existing folder
        CachedRepo,    ///< a repo id whose snapshot the cache holds complete
        NotDownloaded, ///< a repo id the cache lacks (or holds incomplete)
        Unknown,       ///< neither an existing path nor a repo id
    };
    Kind kind = Kind::Empty;
    QString text;    ///< as typed, trimmed
    QString folder;  ///< Folder / CachedRepo: the folder that loads
    QString repo;    ///< CachedRepo / NotDownloaded: "ORG/NAME" or "ORG/NAME@rev"
    QString commit;  ///< CachedRepo: the snapshot's commit
    QString message; ///< NotDownloaded / Unknown: one line in the user's language

    bool loadable() const { return kind == Kind::Folder || kind == Kind::CachedRepo; }
    /// The folder to load when loadable, else the text as typed (whatever reports the error).
    QString folderOrText() const { return folder.isEmpty() ? text : folder; }
    /// A short name for messages: the repo id, or the folder's last part.
    QString displayName() const;

    static ModelReference resolve(const QString& text);

    /// HTML for a picker's info label when kind is NotDownloaded: the message and a "Download..."
    /// link whose href is downloadHref(repo).
    QString notDownloadedHtml() const;
    /// "ORG/NAME from the Hugging Face cache (revision 89abcdef)" for a cached repo, else empty.
    QString cacheLine() const;
    static QString downloadHref(const QString& repo) { return QStringLiteral("download:") + repo; }
};

/// Shows in a picker's `label` what `text` names: for a folder or cached repo the size, dtype and
/// memory it needs to run (ModelMemory::forInference; red with the reason when it does not fit),
/// for a repo id not downloaded the message with a Download... link; hidden otherwise (empty, the
/// hashing baseline, a path being typed). The label is rich text. Returns the resolved reference.
ModelReference showModelInfo(QLabel* label, const QString& text);

/// When the label's Download... link is clicked, opens the Download dialog over `parent`, prefilled
/// with the link's repo id; `onDone(repo, snapshot)` runs once the download succeeded.
void connectDownloadLink(QLabel* label, QWidget* parent,
                         std::function<void(const QString& repo, const QString& snapshot)> onDone);

/// The stage text of a long model load: "Loading model NAME (14.2 GB)... 3.1 GB (22%)"; `total` 0:
/// without sizes.
QString loadingModelText(const QString& name, qint64 done, qint64 total);

} // namespace synthembed::ui
