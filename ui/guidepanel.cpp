#include "ui/guidepanel.h"

#include <QLabel>
#include <QScrollArea>

namespace synthembed::ui {

GuidePanel::GuidePanel(QWidget* parent) : QDockWidget(tr("Guide"), parent) {
    setObjectName(QStringLiteral("guidePanel"));
    struct Step {
        QString title, text;
    };
    const Step steps[] = {
        {tr("Templates"), tr("Write or adapt the brainstorm and generate prompts. Placeholders such as "
                             "{language} or {difficulty} are filled from value pools so every prompt differs.")},
        {tr("Generation"), tr("Send rendered prompts to an OpenAI-compatible endpoint (set it up in Settings). "
                              "Jobs survive restarts and never pay twice for an answer.")},
        {tr("Samples"), tr("Inspect what came back, remove duplicates and contaminated samples, accept, reject "
                           "or edit by hand.")},
        {tr("Training"), tr("Fine-tune a backbone (BERT-style or Llama/Mistral/Qwen2) with a contrastive loss "
                            "on the accepted samples, on CPU or GPU, and watch the loss.")},
        {tr("Evaluation"), tr("Score models MTEB-style on your own and public datasets and compare runs.")},
        {tr("Explorer"), tr("Search the embedding space with a typed query and look at its map.")},
    };
    QString html = tr("<p>synthembed turns an LLM into training data, and the data into an embedding model:</p>");
    html += QStringLiteral("<ol>");
    int i = 0;
    for (const auto& s : steps) {
        html += QStringLiteral("<li><p><a href=\"area:%1\"><b>%2</b></a><br/>%3</p></li>")
                    .arg(i++)
                    .arg(s.title.toHtmlEscaped(), s.text.toHtmlEscaped());
    }
    html += QStringLiteral("</ol>");
    html += tr("<p>Everything is stored in the project file shown in the status bar. The same steps run "
               "headless with <code>synthembed-cli</code>.</p>");
    auto* label = new QLabel(html);
    label->setObjectName(QStringLiteral("guideText"));
    label->setWordWrap(true);
    label->setTextFormat(Qt::RichText);
    label->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    label->setMargin(8);
    connect(label, &QLabel::linkActivated, this, [this](const QString& link) {
        if (link.startsWith(QLatin1String("area:"))) Q_EMIT areaRequested(link.mid(5).toInt());
    });
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(label);
    scroll->setWidgetResizable(true);
    setWidget(scroll);
    setMinimumWidth(260);
}

} // namespace synthembed::ui
