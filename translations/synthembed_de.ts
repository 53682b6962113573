<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de">
<context>
    <name>EvaluationArea</name>
    <message>
        <source>MTEB task %1 (main score %2)
%3</source>
        <translation>MTEB-Aufgabe %1 (Hauptmetrik %2)
%3</translation>
    </message>
    <message>
        <source>Retrieval</source>
        <translation>Retrieval</translation>
    </message>
    <message>
        <source>STS</source>
        <translation>STS</translation>
    </message>
    <message>
        <source>Classification</source>
        <translation>Klassifikation</translation>
    </message>
    <message>
        <source>Clustering</source>
        <translation>Clustering</translation>
    </message>
    <message>
        <source>Pair classification</source>
        <translation>Paarklassifikation</translation>
    </message>
    <message>
        <source>Reranking</source>
        <translation>Reranking</translation>
    </message>
    <message>
        <source>Summarization</source>
        <translation>Zusammenfassung</translation>
    </message>
    <message>
        <source>Bitext mining</source>
        <translation>Bitext-Mining</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <source>%1: cannot write (%2)</source>
        <translation>%1: Schreiben nicht möglich (%2)</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::ConnectionTester</name>
    <message>
        <source>%1: connected; &quot;%2&quot; answered in %3 s.</source>
        <translation>%1: verbunden; „%2“ antwortete in %3 s.</translation>
    </message>
    <message>
        <source>Its answer: &quot;%1&quot;</source>
        <translation>Seine Antwort: „%1“</translation>
    </message>
    <message>
        <source>%1: the test request failed: %2</source>
        <translation>%1: Die Testanfrage ist fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>… (%1 in all)</source>
        <translation>… (%1 insgesamt)</translation>
    </message>
    <message>
        <source>The server lists no models.</source>
        <translation>Der Server listet keine Modelle auf.</translation>
    </message>
    <message>
        <source>Models the server lists: %1</source>
        <translation>Vom Server gelistete Modelle: %1</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not among them.</source>
        <translation>„%1“ ist nicht darunter.</translation>
    </message>
    <message>
        <source>Listing the models failed: %1</source>
        <translation>Auflisten der Modelle fehlgeschlagen: %1</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::DownloadDialog</name>
    <message>
        <source>Download a model</source>
        <translation>Modell herunterladen</translation>
    </message>
    <message>
        <source>A model from the Hugging Face Hub: type its repo id, ORG/NAME, optionally followed by @revision (a branch, tag or commit).</source>
        <translation>Ein Modell vom Hugging Face Hub: geben Sie seine Repo-ID ein, ORG/NAME, optional gefolgt von @Revision (ein Branch, Tag oder Commit).</translation>
    </message>
    <message>
        <source>Repo id</source>
        <translation>Repo-ID</translation>
    </message>
    <message>
        <source>Files go to the Hugging Face cache (%1), where transformers and sentence-transformers find them too; what is already there is not downloaded again.</source>
        <translation>Die Dateien kommen in den Hugging-Face-Cache (%1), wo auch transformers und sentence-transformers sie finden; was dort schon liegt, wird nicht erneut heruntergeladen.</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>Herunterladen</translation>
    </message>
    <message>
        <source>Cancel download</source>
        <translation>Download abbrechen</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a repo id: type ORG/NAME or ORG/NAME@revision, e.g. intfloat/e5-mistral-7b-instruct.</source>
        <translation>„%1“ ist keine Repo-ID: geben Sie ORG/NAME oder ORG/NAME@Revision ein, z. B. intfloat/e5-mistral-7b-instruct.</translation>
    </message>
    <message>
        <source>Asking the hub for %1...</source>
        <translation>Frage den Hub nach %1...</translation>
    </message>
    <message>
        <source>Cancelling...</source>
        <translation>Wird abgebrochen...</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 von %2</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>%1 is gated or private: accept its terms on huggingface.co with your account, create an access token there, set HF_TOKEN to it in the environment and start synthembed again.</source>
        <translation>%1 ist zugangsbeschränkt oder privat: akzeptieren Sie die Bedingungen auf huggingface.co mit Ihrem Konto, erstellen Sie dort ein Zugriffstoken, setzen Sie HF_TOKEN in der Umgebung darauf und starten Sie synthembed neu.</translation>
    </message>
    <message>
        <source>Offline mode is on (HF_HUB_OFFLINE=1) and %1 is not complete in the Hugging Face cache. Unset HF_HUB_OFFLINE to download it.</source>
        <translation>Der Offline-Modus ist an (HF_HUB_OFFLINE=1) und %1 liegt nicht vollständig im Hugging-Face-Cache. Entfernen Sie HF_HUB_OFFLINE, um es herunterzuladen.</translation>
    </message>
    <message>
        <source>%1 is not in the Hugging Face cache and offline mode is on.</source>
        <translation>%1 liegt nicht im Hugging-Face-Cache und der Offline-Modus ist an.</translation>
    </message>
    <message>
        <source>The hub could not be reached (check the network connection, or HF_ENDPOINT for a mirror): %1</source>
        <translation>Der Hub war nicht erreichbar (prüfen Sie die Netzwerkverbindung oder HF_ENDPOINT für einen Mirror): %1</translation>
    </message>
    <message>
        <source>%1 was not found on the hub: check the name and the revision.</source>
        <translation>%1 wurde auf dem Hub nicht gefunden: prüfen Sie Namen und Revision.</translation>
    </message>
    <message>
        <source>A downloaded file did not match its checksum; it was discarded. Try again: %1</source>
        <translation>Eine heruntergeladene Datei passte nicht zu ihrer Prüfsumme und wurde verworfen. Versuchen Sie es erneut: %1</translation>
    </message>
    <message>
        <source>Cancelled. What was downloaded so far is kept; downloading %1 again resumes it.</source>
        <translation>Abgebrochen. Das bisher Heruntergeladene bleibt erhalten; ein erneuter Download von %1 setzt dort fort.</translation>
    </message>
    <message>
        <source>The download failed: %1</source>
        <translation>Der Download ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Downloaded to %1</source>
        <translation>Heruntergeladen nach %1</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::Errors</name>
    <message>
        <source>%1: %2
What to do: %3
The codes are listed in the error table of docs/guide.md.</source>
        <translation>%1: %2
Was tun: %3
Die Codes stehen in der Fehlertabelle in docs/guide.md.</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::EvalJob</name>
    <message>
        <source>%1: loading model</source>
        <translation>%1: Modell wird geladen</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>%1 on %2</source>
        <translation>%1 auf %2</translation>
    </message>
    <message>
        <source>%1: %2 = %3</source>
        <translation>%1: %2 = %3</translation>
    </message>
    <message>
        <source>embedding texts</source>
        <translation>Texte werden eingebettet</translation>
    </message>
    <message>
        <source>embedding train texts</source>
        <translation>Trainingstexte werden eingebettet</translation>
    </message>
    <message>
        <source>embedding test texts</source>
        <translation>Testtexte werden eingebettet</translation>
    </message>
    <message>
        <source>embedding queries</source>
        <translation>Anfragen werden eingebettet</translation>
    </message>
    <message>
        <source>embedding documents</source>
        <translation>Dokumente werden eingebettet</translation>
    </message>
    <message>
        <source>scoring</source>
        <translation>Bewertung</translation>
    </message>
    <message>
        <source>searching</source>
        <translation>Suche</translation>
    </message>
    <message>
        <source>clustering</source>
        <translation>Clustering</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::EvaluationArea</name>
    <message>
        <source>Choose a model to evaluate: a model folder, a Hugging Face repo id (Download...), or the hashing baseline; then press Run.</source>
        <translation>Wählen Sie ein zu evaluierendes Modell: einen Modellordner, eine Hugging-Face-Repo-ID (Herunterladen...) oder die Hashing-Baseline; dann klicken Sie auf Ausführen.</translation>
    </message>
    <message>
        <source>No model yet.</source>
        <translation>Noch kein Modell.</translation>
    </message>
    <message>
        <source>Pick MTEB tasks by name or add a dataset folder (a BEIR folder, an STS table or a classification folder with train and test files); then press Run.</source>
        <translation>Wählen Sie MTEB-Aufgaben nach Namen oder fügen Sie einen Datensatzordner hinzu (einen BEIR-Ordner, eine STS-Tabelle oder einen Klassifikationsordner mit Trainings- und Testdateien); dann klicken Sie auf Ausführen.</translation>
    </message>
    <message>
        <source>No datasets yet.</source>
        <translation>Noch keine Datensätze.</translation>
    </message>
    <message>
        <source>Pick MTEB tasks by name (STSBenchmark, SciFact, Banking77Classification, ...) or add a dataset folder, then choose a model: a model folder, a Hugging Face repo id, or the hashing baseline to start with. Run then scores every model on every task.</source>
        <translation>Wählen Sie MTEB-Aufgaben nach Namen (STSBenchmark, SciFact, Banking77Classification, ...) oder fügen Sie einen Datensatzordner hinzu, dann wählen Sie ein Modell: einen Modellordner, eine Hugging-Face-Repo-ID oder zum Einstieg die Hashing-Baseline. Ausführen bewertet dann jedes Modell auf jeder Aufgabe.</translation>
    </message>
    <message>
        <source>Nothing to evaluate yet.</source>
        <translation>Noch nichts zu evaluieren.</translation>
    </message>
    <message>
        <source>Pick MTEB tasks by name (STSBenchmark, SciFact, Banking77Classification, ...): they are downloaded from the Hugging Face Hub into its cache when not there yet.</source>
        <translation>MTEB-Aufgaben nach Namen wählen (STSBenchmark, SciFact, Banking77Classification, ...): Sie werden vom Hugging Face Hub in dessen Cache geladen, wenn sie dort noch nicht sind.</translation>
    </message>
    <message>
        <source>Add MTEB task...</source>
        <translation>MTEB-Aufgaben wählen...</translation>
    </message>
    <message>
        <source>run %1</source>
        <translation>Lauf %1</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>%1, step %2</source>
        <translation>%1, Schritt %2</translation>
    </message>
    <message>
        <source>step %1</source>
        <translation>Schritt %1</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>Modelle</translation>
    </message>
    <message>
        <source>Checked models are evaluated. A model is a Hugging Face folder (config.json, safetensors, tokenizer); hash:DIM is the model-free hashing baseline.</source>
        <translation>Angehakte Modelle werden evaluiert. Ein Modell ist ein Hugging-Face-Ordner (config.json, safetensors, Tokenizer); hash:DIM ist die modellfreie Hashing-Baseline.</translation>
    </message>
    <message>
        <source>Add model folder...</source>
        <translation>Modellordner hinzufügen...</translation>
    </message>
    <message>
        <source>Add hashing baseline</source>
        <translation>Hashing-Baseline hinzufügen</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>Model folder</source>
        <translation>Modellordner</translation>
    </message>
    <message>
        <source>Datasets</source>
        <translation>Datensätze</translation>
    </message>
    <message>
        <source>Checked datasets form the suite. Add a BEIR folder (retrieval), an STS table or a classification folder with train and test files.</source>
        <translation>Angehakte Datensätze bilden die Suite. Fügen Sie einen BEIR-Ordner (Retrieval), eine STS-Tabelle oder einen Klassifikationsordner mit Trainings- und Testdateien hinzu.</translation>
    </message>
    <message>
        <source>Add dataset folder...</source>
        <translation>Datensatzordner hinzufügen...</translation>
    </message>
    <message>
        <source>Add dataset file...</source>
        <translation>Datensatzdatei hinzufügen...</translation>
    </message>
    <message>
        <source>Dataset folder</source>
        <translation>Datensatzordner</translation>
    </message>
    <message>
        <source>Dataset file</source>
        <translation>Datensatzdatei</translation>
    </message>
    <message>
        <source>Tables (*.csv *.tsv *.txt *.jsonl);;All files (*)</source>
        <translation>Tabellen (*.csv *.tsv *.txt *.jsonl);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Suite:</source>
        <translation>Suite:</translation>
    </message>
    <message>
        <source>Quick</source>
        <translation>Schnell</translation>
    </message>
    <message>
        <source>A seeded subsample of every dataset: fast feedback, e.g. during training.</source>
        <translation>Eine reproduzierbare Stichprobe jedes Datensatzes: schnelle Rückmeldung, z. B. während des Trainings.</translation>
    </message>
    <message>
        <source> items per dataset</source>
        <translation> Elemente pro Datensatz</translation>
    </message>
    <message>
        <source>Full</source>
        <translation>Vollständig</translation>
    </message>
    <message>
        <source>Every query, pair and text: the numbers to report.</source>
        <translation>Jede Anfrage, jedes Paar und jeder Text: die Zahlen für den Bericht.</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>Ausführen</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Show:</source>
        <translation>Anzeigen:</translation>
    </message>
    <message>
        <source>Quick suite results</source>
        <translation>Ergebnisse der schnellen Suite</translation>
    </message>
    <message>
        <source>Full suite results</source>
        <translation>Ergebnisse der vollständigen Suite</translation>
    </message>
    <message>
        <source>All runs</source>
        <translation>Alle Läufe</translation>
    </message>
    <message>
        <source>Latest per model and dataset</source>
        <translation>Neueste pro Modell und Datensatz</translation>
    </message>
    <message>
        <source>Export...</source>
        <translation>Exportieren...</translation>
    </message>
    <message>
        <source>Save the results or comparison table as CSV or Markdown</source>
        <translation>Ergebnis- oder Vergleichstabelle als CSV oder Markdown speichern</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>Aufgabe</translation>
    </message>
    <message>
        <source>Dataset</source>
        <translation>Datensatz</translation>
    </message>
    <message>
        <source>Split</source>
        <translation>Split</translation>
    </message>
    <message>
        <source>Suite</source>
        <translation>Suite</translation>
    </message>
    <message>
        <source>Metric</source>
        <translation>Metrik</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>Score</translation>
    </message>
    <message>
        <source>Time (s)</source>
        <translation>Zeit (s)</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Datum</translation>
    </message>
    <message>
        <source>Results</source>
        <translation>Ergebnisse</translation>
    </message>
    <message>
        <source>Baseline (A):</source>
        <translation>Baseline (A):</translation>
    </message>
    <message>
        <source>Comparison</source>
        <translation>Vergleich</translation>
    </message>
    <message>
        <source>Task type:</source>
        <translation>Aufgabentyp:</translation>
    </message>
    <message>
        <source>Chart</source>
        <translation>Diagramm</translation>
    </message>
    <message>
        <source>%1 — %2, %3 items</source>
        <translation>%1 — %2, %3 Elemente</translation>
    </message>
    <message>
        <source>Added %1 (%2)</source>
        <translation>%1 hinzugefügt (%2)</translation>
    </message>
    <message>
        <source>Open a project first</source>
        <translation>Öffnen Sie zuerst ein Projekt</translation>
    </message>
    <message>
        <source>Check at least one model and one dataset</source>
        <translation>Haken Sie mindestens ein Modell und einen Datensatz an</translation>
    </message>
    <message>
        <source>Evaluate %1 model(s) on %2 dataset(s)</source>
        <translation>%1 Modell(e) auf %2 Datensatz/Datensätzen evaluieren</translation>
    </message>
    <message>
        <source>Cancelled after %1 result(s)</source>
        <translation>Nach %1 Ergebnis(sen) abgebrochen</translation>
    </message>
    <message>
        <source>Done: %1 result(s) stored</source>
        <translation>Fertig: %1 Ergebnis(se) gespeichert</translation>
    </message>
    <message>
        <source>, %1 failed (see the log)</source>
        <translation>, %1 fehlgeschlagen (siehe Protokoll)</translation>
    </message>
    <message>
        <source>Starting...</source>
        <translation>Wird gestartet...</translation>
    </message>
    <message>
        <source>Cancelling...</source>
        <translation>Wird abgebrochen...</translation>
    </message>
    <message>
        <source>fingerprint %1, pooling %2</source>
        <translation>Fingerabdruck %1, Pooling %2</translation>
    </message>
    <message>
        <source>quick (%1)</source>
        <translation>schnell (%1)</translation>
    </message>
    <message>
        <source>full</source>
        <translation>vollständig</translation>
    </message>
    <message>
        <source>Evaluate at least two models on the same datasets to compare them.</source>
        <translation>Evaluieren Sie mindestens zwei Modelle auf denselben Datensätzen, um sie zu vergleichen.</translation>
    </message>
    <message>
        <source>%1 (A)</source>
        <translation>%1 (A)</translation>
    </message>
    <message>
        <source>Δ vs A</source>
        <translation>Δ zu A</translation>
    </message>
    <message>
        <source>95% CI of Δ</source>
        <translation>95-%-KI von Δ</translation>
    </message>
    <message>
        <source>paired bootstrap, %1 resamples, p = %2</source>
        <translation>gepaartes Bootstrap, %1 Wiederholungen, p = %2</translation>
    </message>
    <message>
        <source>n/a</source>
        <translation>k. A.</translation>
    </message>
    <message>
        <source>no per-item scores on common items (e.g. different quick subsamples)</source>
        <translation>keine Einzel-Scores auf gemeinsamen Elementen (z. B. verschiedene schnelle Stichproben)</translation>
    </message>
    <message>
        <source>Δ = model − A; green better, red worse; bold where the 95% paired bootstrap interval excludes 0.</source>
        <translation>Δ = Modell − A; grün besser, rot schlechter; fett, wo das 95-%-Intervall des gepaarten Bootstraps 0 ausschließt.</translation>
    </message>
    <message>
        <source>Export table</source>
        <translation>Tabelle exportieren</translation>
    </message>
    <message>
        <source>CSV (*.csv);;Markdown (*.md)</source>
        <translation>CSV (*.csv);;Markdown (*.md)</translation>
    </message>
    <message>
        <source>Wrote %1</source>
        <translation>%1 geschrieben</translation>
    </message>
    <message>
        <source>Evaluation</source>
        <translation>Evaluierung</translation>
    </message>
    <message>
        <source>MTEB-style evaluation on your own and public datasets.</source>
        <translation>Evaluierung im MTEB-Stil auf eigenen und öffentlichen Datensätzen.</translation>
    </message>
    <message>
        <source>model folder %1</source>
        <translation>Modellordner %1</translation>
    </message>
    <message>
        <source>training run %1, step %2</source>
        <translation>Trainingslauf %1, Schritt %2</translation>
    </message>
    <message>
        <source>Model files gone since this result: %1</source>
        <translation>Modelldateien seit diesem Ergebnis verschwunden: %1</translation>
    </message>
    <message>
        <source>Model files changed since this result: %1</source>
        <translation>Modelldateien seit diesem Ergebnis geändert: %1</translation>
    </message>
    <message>
        <source>%1: %2 / %3 texts</source>
        <translation>%1: %2 / %3 Texte</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>, about %1 left</source>
        <translation>, noch etwa %1</translation>
    </message>
    <message>
        <source>Download...</source>
        <translation>Herunterladen...</translation>
    </message>
    <message>
        <source>Download a model from the Hugging Face Hub by its repo id (ORG/NAME) into the Hugging Face cache, and add it here.</source>
        <translation>Ein Modell über seine Repo-ID (ORG/NAME) vom Hugging Face Hub in den Hugging-Face-Cache herunterladen und hier hinzufügen.</translation>
    </message>
    <message>
        <source>Folder or repo id ORG/NAME, then Return</source>
        <translation>Ordner oder Repo-ID ORG/NAME, dann Eingabe</translation>
    </message>
    <message>
        <source>A model folder or a Hugging Face repo id (ORG/NAME[@revision]); Return adds it to the list.</source>
        <translation>Ein Modellordner oder eine Hugging-Face-Repo-ID (ORG/NAME[@Revision]); die Eingabetaste fügt ihn der Liste hinzu.</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::ExplorerArea</name>
    <message>
        <source>Embedding set:</source>
        <translation>Embedding-Menge:</translation>
    </message>
    <message>
        <source>corpus.jsonl (one {&quot;text&quot;: ...} per line)</source>
        <translation>corpus.jsonl (ein {&quot;text&quot;: ...} pro Zeile)</translation>
    </message>
    <message>
        <source>Browse...</source>
        <translation>Durchsuchen...</translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>Modell:</translation>
    </message>
    <message>
        <source>A model folder, a Hugging Face repo id ORG/NAME[@revision] from the Hugging Face cache, or hash:DIM for the model-free hashing baseline</source>
        <translation>Ein Modellordner, eine Hugging-Face-Repo-ID ORG/NAME[@Revision] aus dem Hugging-Face-Cache oder hash:DIM für die modellfreie Hashing-Baseline</translation>
    </message>
    <message>
        <source>Choose a model folder</source>
        <translation>Modellordner wählen</translation>
    </message>
    <message>
        <source>all texts</source>
        <translation>alle Texte</translation>
    </message>
    <message>
        <source>max </source>
        <translation>max. </translation>
    </message>
    <message>
        <source>Embed at most this many texts (0 = all)</source>
        <translation>Höchstens so viele Texte einbetten (0 = alle)</translation>
    </message>
    <message>
        <source>Embed</source>
        <translation>Einbetten</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Pick a set and a model, then Embed.</source>
        <translation>Wählen Sie eine Menge und ein Modell, dann Einbetten.</translation>
    </message>
    <message>
        <source>JSONL corpus</source>
        <translation>JSONL-Korpus</translation>
    </message>
    <message>
        <source>JSON lines (*.jsonl *.json);;All files (*)</source>
        <translation>JSON Lines (*.jsonl *.json);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Model folder</source>
        <translation>Modellordner</translation>
    </message>
    <message>
        <source>Type a query and press Enter</source>
        <translation>Anfrage eingeben und Eingabetaste drücken</translation>
    </message>
    <message>
        <source>Instruction for the query (optional, e5 style)</source>
        <translation>Anweisung für die Anfrage (optional, im e5-Stil)</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Suchen</translation>
    </message>
    <message>
        <source>Query:</source>
        <translation>Anfrage:</translation>
    </message>
    <message>
        <source>Instruction:</source>
        <translation>Anweisung:</translation>
    </message>
    <message>
        <source>Neighbours:</source>
        <translation>Nachbarn:</translation>
    </message>
    <message>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>Score</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>Label</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>Text</translation>
    </message>
    <message>
        <source>Click a neighbour to read it; double-click to search its neighbours</source>
        <translation>Nachbarn anklicken, um ihn zu lesen; Doppelklick sucht seine Nachbarn</translation>
    </message>
    <message>
        <source>Neighbours of this text</source>
        <translation>Nachbarn dieses Textes</translation>
    </message>
    <message>
        <source>Colour by:</source>
        <translation>Färben nach:</translation>
    </message>
    <message>
        <source>Family</source>
        <translation>Familie</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <source>Box select</source>
        <translation>Rechteckauswahl</translation>
    </message>
    <message>
        <source>Reset view</source>
        <translation>Ansicht zurücksetzen</translation>
    </message>
    <message>
        <source>Selected: %1 point(s)</source>
        <translation>Ausgewählt: %1 Punkt(e)</translation>
    </message>
    <message>
        <source>Project samples (accepted)</source>
        <translation>Projektbeispiele (angenommen)</translation>
    </message>
    <message>
        <source>JSONL corpus...</source>
        <translation>JSONL-Korpus...</translation>
    </message>
    <message>
        <source>Dataset: %1</source>
        <translation>Datensatz: %1</translation>
    </message>
    <message>
        <source>Choose a model first</source>
        <translation>Wählen Sie zuerst ein Modell</translation>
    </message>
    <message>
        <source>Open a project first</source>
        <translation>Öffnen Sie zuerst ein Projekt</translation>
    </message>
    <message>
        <source>Reading texts...</source>
        <translation>Texte werden gelesen...</translation>
    </message>
    <message>
        <source>The set has no texts to embed</source>
        <translation>Die Menge enthält keine Texte zum Einbetten</translation>
    </message>
    <message>
        <source>Loading %1...</source>
        <translation>%1 wird geladen...</translation>
    </message>
    <message>
        <source>Embedding %1 of %2 texts...</source>
        <translation>%1 von %2 Texten werden eingebettet...</translation>
    </message>
    <message>
        <source>Embedding %1 texts...</source>
        <translation>%1 Texte werden eingebettet...</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <source>Projecting %1 points (PCA)...</source>
        <translation>%1 Punkte werden projiziert (PCA)...</translation>
    </message>
    <message>
        <source>%1 points, %2 dimensions; PCA keeps %3% of the variance</source>
        <translation>%1 Punkte, %2 Dimensionen; PCA erhält %3 % der Varianz</translation>
    </message>
    <message>
        <source>Embedded %1 texts of %2 with %3</source>
        <translation>%1 Texte von %2 mit %3 eingebettet</translation>
    </message>
    <message>
        <source>other (%1 values)</source>
        <translation>sonstige (%1 Werte)</translation>
    </message>
    <message>
        <source>Searching...</source>
        <translation>Suche läuft...</translation>
    </message>
    <message>
        <source>Query: “%1”</source>
        <translation>Anfrage: „%1“</translation>
    </message>
    <message>
        <source>Query: “%1” (instruction: %2)</source>
        <translation>Anfrage: „%1“ (Anweisung: %2)</translation>
    </message>
    <message>
        <source>Neighbours of “%1”</source>
        <translation>Nachbarn von „%1“</translation>
    </message>
    <message>
        <source>%1 neighbour(s)</source>
        <translation>%1 Nachbar(n)</translation>
    </message>
    <message>
        <source>id %1</source>
        <translation>ID %1</translation>
    </message>
    <message>
        <source>family %1</source>
        <translation>Familie %1</translation>
    </message>
    <message>
        <source>language %1</source>
        <translation>Sprache %1</translation>
    </message>
    <message>
        <source>label %1</source>
        <translation>Label %1</translation>
    </message>
    <message>
        <source>Explorer</source>
        <translation>Explorer</translation>
    </message>
    <message>
        <source>Nearest-neighbour search and maps of an embedding space.</source>
        <translation>Suche nach nächsten Nachbarn und Karten eines Embedding-Raums.</translation>
    </message>
    <message>
        <source>Drag to:</source>
        <translation>Ziehen zum:</translation>
    </message>
    <message>
        <source>Pan</source>
        <translation>Verschieben</translation>
    </message>
    <message>
        <source>Drag moves the view, the wheel zooms (Shift-drag still draws a box)</source>
        <translation>Ziehen verschiebt die Ansicht, das Mausrad zoomt (Ziehen mit Umschalt zieht weiterhin ein Rechteck auf)</translation>
    </message>
    <message>
        <source>Drag a box to list its points</source>
        <translation>Ziehen Sie ein Rechteck auf, um seine Punkte aufzulisten</translation>
    </message>
    <message>
        <source>Lasso select</source>
        <translation>Lassoauswahl</translation>
    </message>
    <message>
        <source>Draw a freehand outline around points to list them</source>
        <translation>Umranden Sie Punkte freihändig, um sie aufzulisten</translation>
    </message>
    <message>
        <source>Select points on the map (Box select, Lasso select, or Shift-drag) to list them here.</source>
        <translation>Wählen Sie Punkte auf der Karte aus (Rechteckauswahl, Lassoauswahl oder Ziehen mit Umschalt), um sie hier aufzulisten.</translation>
    </message>
    <message>
        <source>Download...</source>
        <translation>Herunterladen...</translation>
    </message>
    <message>
        <source>Download a model from the Hugging Face Hub by its repo id (ORG/NAME) into the Hugging Face cache, and use it here.</source>
        <translation>Ein Modell über seine Repo-ID (ORG/NAME) vom Hugging Face Hub in den Hugging-Face-Cache herunterladen und hier verwenden.</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>Id</translation>
    </message>
    <message>
        <source>query</source>
        <translation>Anfrage</translation>
    </message>
    <message>
        <source>positive</source>
        <translation>positiv</translation>
    </message>
    <message>
        <source>negative</source>
        <translation>negativ</translation>
    </message>
    <message>
        <source>Texts of each sample:</source>
        <translation>Texte jedes Beispiels:</translation>
    </message>
    <message>
        <source>Queries</source>
        <translation>Anfragen</translation>
    </message>
    <message>
        <source>Positives</source>
        <translation>Positive</translation>
    </message>
    <message>
        <source>Negatives</source>
        <translation>Negative</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rolle</translation>
    </message>
    <message>
        <source>Query, positive or negative text of a sample</source>
        <translation>Anfrage, positiver oder negativer Text eines Beispiels</translation>
    </message>
    <message>
        <source>Layout:</source>
        <translation>Anordnung:</translation>
    </message>
    <message>
        <source>PCA</source>
        <translation>PCA</translation>
    </message>
    <message>
        <source>UMAP (neighbour graph)</source>
        <translation>UMAP (Nachbarschaftsgraph)</translation>
    </message>
    <message>
        <source>The two directions of largest variance: fast, keeps global distances, squashes neighbourhoods together</source>
        <translation>Die zwei Richtungen größter Varianz: schnell, erhält globale Abstände, drückt Nachbarschaften zusammen</translation>
    </message>
    <message>
        <source>A UMAP-style layout of the 15-nearest-neighbour graph: keeps neighbourhoods; computed in the background and cached for this set</source>
        <translation>Eine UMAP-artige Anordnung des Graphen der 15 nächsten Nachbarn: erhält Nachbarschaften; im Hintergrund berechnet und für diese Menge zwischengespeichert</translation>
    </message>
    <message>
        <source>Open in Samples</source>
        <translation>In Beispielen öffnen</translation>
    </message>
    <message>
        <source>Show the sample of the current row in the Samples area (project samples only)</source>
        <translation>Das Beispiel der aktuellen Zeile im Bereich Beispiele zeigen (nur Projektbeispiele)</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Copy the selected rows (or all rows) as tab-separated text</source>
        <translation>Die ausgewählten Zeilen (oder alle) als tabulatorgetrennten Text kopieren</translation>
    </message>
    <message>
        <source>sample %1</source>
        <translation>Beispiel %1</translation>
    </message>
    <message>
        <source>UMAP 1</source>
        <translation>UMAP 1</translation>
    </message>
    <message>
        <source>UMAP 2</source>
        <translation>UMAP 2</translation>
    </message>
    <message>
        <source>PC 1</source>
        <translation>HK 1</translation>
    </message>
    <message>
        <source>PC 2</source>
        <translation>HK 2</translation>
    </message>
    <message>
        <source>A UMAP layout needs at least 3 points</source>
        <translation>Eine UMAP-Anordnung braucht mindestens 3 Punkte</translation>
    </message>
    <message>
        <source>UMAP layout of %1 points: starting...</source>
        <translation>UMAP-Anordnung von %1 Punkten: Start...</translation>
    </message>
    <message>
        <source>UMAP layout: nearest neighbours of %1 points...</source>
        <translation>UMAP-Anordnung: nächste Nachbarn von %1 Punkten...</translation>
    </message>
    <message>
        <source>UMAP layout: building the neighbour graph...</source>
        <translation>UMAP-Anordnung: Nachbarschaftsgraph wird erstellt...</translation>
    </message>
    <message>
        <source>UMAP layout: optimising, epoch %1 of %2...</source>
        <translation>UMAP-Anordnung: Optimierung, Epoche %1 von %2...</translation>
    </message>
    <message>
        <source>%1 points; UMAP layout (15 neighbours), from the layout cache</source>
        <translation>%1 Punkte; UMAP-Anordnung (15 Nachbarn), aus dem Anordnungs-Cache</translation>
    </message>
    <message>
        <source>%1 points; UMAP layout (15 neighbours), computed in %2 s</source>
        <translation>%1 Punkte; UMAP-Anordnung (15 Nachbarn), berechnet in %2 s</translation>
    </message>
    <message>
        <source>UMAP layout cancelled; the map shows PCA</source>
        <translation>UMAP-Anordnung abgebrochen; die Karte zeigt PCA</translation>
    </message>
    <message>
        <source>Copied %1 row(s)</source>
        <translation>%1 Zeile(n) kopiert</translation>
    </message>
    <message>
        <source>No samples to map yet.</source>
        <translation>Noch keine Beispiele für die Karte.</translation>
    </message>
    <message>
        <source>The map shows the project&apos;s accepted samples. Generate them in Generation or import them in Samples, or choose a JSONL corpus or an evaluation dataset above.</source>
        <translation>Die Karte zeigt die angenommenen Beispiele des Projekts. Erzeugen Sie sie unter „Generierung“ oder importieren Sie sie unter „Beispiele“, oder wählen Sie oben ein JSONL-Korpus oder einen Evaluationsdatensatz.</translation>
    </message>
    <message>
        <source>Go to Generation</source>
        <translation>Zur Generierung</translation>
    </message>
    <message>
        <source>Go to Samples</source>
        <translation>Zu den Beispielen</translation>
    </message>
    <message>
        <source>Nothing embedded yet.</source>
        <translation>Noch nichts eingebettet.</translation>
    </message>
    <message>
        <source>Choose the texts to map and a model above, then press Embed.</source>
        <translation>Wählen Sie oben die Texte und ein Modell, dann klicken Sie auf „Einbetten“.</translation>
    </message>
    <message>
        <source>Choose the texts to map above and press Embed. hash:256 is a model-free baseline; train a model in Training, or add one in Evaluation, to see what it has learned.</source>
        <translation>Wählen Sie oben die Texte und klicken Sie auf „Einbetten“. hash:256 ist eine Basislinie ohne Modell; trainieren Sie unter „Training“ ein Modell oder fügen Sie unter „Evaluation“ eines hinzu, um zu sehen, was es gelernt hat.</translation>
    </message>
    <message>
        <source>Go to Training</source>
        <translation>Zum Training</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::FindBar</name>
    <message>
        <source>Find:</source>
        <translation>Suchen:</translation>
    </message>
    <message>
        <source>text in the template</source>
        <translation>Text in der Vorlage</translation>
    </message>
    <message>
        <source>Previous match (Shift+Enter)</source>
        <translation>Vorheriger Treffer (Umschalt+Eingabe)</translation>
    </message>
    <message>
        <source>Next match (Enter)</source>
        <translation>Nächster Treffer (Eingabe)</translation>
    </message>
    <message>
        <source>Match case</source>
        <translation>Groß-/Kleinschreibung beachten</translation>
    </message>
    <message>
        <source>Close (Esc)</source>
        <translation>Schließen (Esc)</translation>
    </message>
    <message>
        <source>Not found</source>
        <translation>Nicht gefunden</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::GenerationArea</name>
    <message>
        <source>New job</source>
        <translation>Neuer Auftrag</translation>
    </message>
    <message>
        <source>Families and their mix (weights):</source>
        <translation>Familien und ihre Mischung (Gewichte):</translation>
    </message>
    <message>
        <source>Family</source>
        <translation>Familie</translation>
    </message>
    <message>
        <source>Weight</source>
        <translation>Gewicht</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>optional</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Exact number of accepted samples the job ends with</source>
        <translation>Genaue Zahl angenommener Beispiele, mit der der Auftrag endet</translation>
    </message>
    <message>
        <source>Samples</source>
        <translation>Beispiele</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>Seed</translation>
    </message>
    <message>
        <source>An endpoint configured in Settings, or a base URL typed here (no API key)</source>
        <translation>Ein in den Einstellungen konfigurierter Endpunkt oder eine hier eingegebene Basis-URL (ohne API-Schlüssel)</translation>
    </message>
    <message>
        <source>Endpoint</source>
        <translation>Endpunkt</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>Concurrency</source>
        <translation>Parallelität</translation>
    </message>
    <message>
        <source>unlimited</source>
        <translation>unbegrenzt</translation>
    </message>
    <message>
        <source>Requests/min</source>
        <translation>Anfragen/min</translation>
    </message>
    <message>
        <source>Tokens/min</source>
        <translation>Tokens/min</translation>
    </message>
    <message>
        <source>server default</source>
        <translation>Server-Standard</translation>
    </message>
    <message>
        <source>Max tokens</source>
        <translation>Max. Tokens</translation>
    </message>
    <message>
        <source>Launch</source>
        <translation>Starten</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Anhalten</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Double-click a job to see its samples</source>
        <translation>Doppelklick auf einen Auftrag zeigt seine Beispiele</translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <source>All %1 endpoints</source>
        <translation>Alle %1 Endpunkte</translation>
    </message>
    <message>
        <source>configure endpoints in Settings, or type a base URL</source>
        <translation>Endpunkte in den Einstellungen konfigurieren oder eine Basis-URL eingeben</translation>
    </message>
    <message>
        <source>Pick at least one family.</source>
        <translation>Wählen Sie mindestens eine Familie.</translation>
    </message>
    <message>
        <source>%1 families</source>
        <translation>%1 Familien</translation>
    </message>
    <message>
        <source>Pick an endpoint (configure them in Settings).</source>
        <translation>Wählen Sie einen Endpunkt (Konfiguration in den Einstellungen).</translation>
    </message>
    <message>
        <source>&lt;p&gt;No prompt templates found; estimates are unavailable.&lt;/p&gt;</source>
        <translation>&lt;p&gt;Keine Prompt-Vorlagen gefunden; keine Schätzungen verfügbar.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Estimate before launch</source>
        <translation>Schätzung vor dem Start</translation>
    </message>
    <message>
        <source>%1M</source>
        <translation>%1 Mio.</translation>
    </message>
    <message>
        <source>%1k</source>
        <translation>%1 Tsd.</translation>
    </message>
    <message>
        <source>Generate</source>
        <translation>Generieren</translation>
    </message>
    <message>
        <source>Brainstorm</source>
        <translation>Brainstorm</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>Gesamt</translation>
    </message>
    <message>
        <source>%1 requests</source>
        <translation>%1 Anfragen</translation>
    </message>
    <message>
        <source>Estimated cost: &lt;b&gt;$%1&lt;/b&gt;</source>
        <translation>Geschätzte Kosten: &lt;b&gt;$%1&lt;/b&gt;</translation>
    </message>
    <message>
        <source>No price for this model (add one under settings key llm.prices).</source>
        <translation>Kein Preis für dieses Modell (unter dem Einstellungsschlüssel llm.prices hinzufügen).</translation>
    </message>
    <message>
        <source>Placeholder combinations: &lt;b&gt;%1&lt;/b&gt; distinct in %2 prompts%3, of %4 possible.</source>
        <translation>Platzhalterkombinationen: &lt;b&gt;%1&lt;/b&gt; verschiedene in %2 Prompts%3, von %4 möglichen.</translation>
    </message>
    <message>
        <source> (a sample of the plan)</source>
        <translation> (eine Stichprobe des Plans)</translation>
    </message>
    <message>
        <source>%1 %2% (expected %3%)</source>
        <translation>%1 %2 % (erwartet %3 %)</translation>
    </message>
    <message>
        <source>Language mix:</source>
        <translation>Sprachmischung:</translation>
    </message>
    <message>
        <source>Coverage of the placeholder pools</source>
        <translation>Abdeckung der Platzhalter-Pools</translation>
    </message>
    <message>
        <source>Template</source>
        <translation>Vorlage</translation>
    </message>
    <message>
        <source>Placeholder</source>
        <translation>Platzhalter</translation>
    </message>
    <message>
        <source>Values</source>
        <translation>Werte</translation>
    </message>
    <message>
        <source>Expected distinct</source>
        <translation>Erwartet abgedeckt</translation>
    </message>
    <message>
        <source>Job %1 started</source>
        <translation>Auftrag %1 gestartet</translation>
    </message>
    <message>
        <source>Job %1: %2</source>
        <translation>Auftrag %1: %2</translation>
    </message>
    <message>
        <source>Job %1: %2 — %3</source>
        <translation>Auftrag %1: %2 — %3</translation>
    </message>
    <message>
        <source>Job %1: %2 tasks brainstormed, %3 requests failed, %4 HTTP attempts</source>
        <translation>Auftrag %1: %2 Aufgaben per Brainstorm erzeugt, %3 Anfragen fehlgeschlagen, %4 HTTP-Versuche</translation>
    </message>
    <message>
        <source>, %1 retries in this run</source>
        <translation>, %1 Wiederholungen in diesem Lauf</translation>
    </message>
    <message>
        <source>Generation</source>
        <translation>Generierung</translation>
    </message>
    <message>
        <source>Jobs that send rendered prompts to an OpenAI-compatible endpoint.</source>
        <translation>Aufträge, die gerenderte Prompts an einen OpenAI-kompatiblen Endpunkt senden.</translation>
    </message>
    <message>
        <source>Requests</source>
        <translation>Anfragen</translation>
    </message>
    <message>
        <source>Tokens</source>
        <translation>Tokens</translation>
    </message>
    <message>
        <source>in</source>
        <comment>estimate table: prompt tokens sent</comment>
        <translation>Eingabe</translation>
    </message>
    <message>
        <source>out</source>
        <comment>estimate table: completion tokens received</comment>
        <translation>Ausgabe</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>Testen</translation>
    </message>
    <message>
        <source>Connection not tested yet</source>
        <translation>Verbindung noch nicht getestet</translation>
    </message>
    <message>
        <source>Test connection: lists the endpoint&apos;s models and sends it one tiny request (each endpoint when all are chosen)</source>
        <translation>Verbindung testen: listet die Modelle des Endpunkts auf und sendet ihm eine winzige Anfrage (jedem Endpunkt, wenn alle gewählt sind)</translation>
    </message>
    <message>
        <source>Per endpoint; an endpoint&apos;s own limit in Settings takes precedence</source>
        <translation>Pro Endpunkt; ein eigenes Limit des Endpunkts in den Einstellungen hat Vorrang</translation>
    </message>
    <message>
        <source>Connection test passed</source>
        <translation>Verbindungstest bestanden</translation>
    </message>
    <message>
        <source>Connection test failed</source>
        <translation>Verbindungstest fehlgeschlagen</translation>
    </message>
    <message>
        <source>Launch cancelled</source>
        <translation>Start abgebrochen</translation>
    </message>
    <message>
        <source>%1, line %2: %3 %4</source>
        <translation>%1, Zeile %2: %3 %4</translation>
    </message>
    <message>
        <source>error:</source>
        <translation>Fehler:</translation>
    </message>
    <message>
        <source>warning:</source>
        <translation>Warnung:</translation>
    </message>
    <message numerus="yes">
        <source>… and %n more</source>
        <translation>
            <numerusform>… und %n weiteres</numerusform>
            <numerusform>… und %n weitere</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The templates this job uses have %n problem(s):</source>
        <translation>
            <numerusform>Die Vorlagen dieses Auftrags haben %n Problem:</numerusform>
            <numerusform>Die Vorlagen dieses Auftrags haben %n Probleme:</numerusform>
        </translation>
    </message>
    <message>
        <source>Their prompts would be sent to the LLM (and paid for) as they are. Fix them in the Templates area, or launch anyway?</source>
        <translation>Ihre Prompts würden so, wie sie sind, an das LLM gesendet (und bezahlt). Im Bereich Vorlagen korrigieren oder trotzdem starten?</translation>
    </message>
    <message>
        <source>Launch anyway</source>
        <translation>Trotzdem starten</translation>
    </message>
    <message>
        <source>Don&apos;t launch</source>
        <translation>Nicht starten</translation>
    </message>
    <message>
        <source>Job %1 “%2” (%3, %4 accepted): %5</source>
        <translation>Auftrag %1 „%2“ (%3, %4 akzeptiert): %5</translation>
    </message>
    <message numerus="yes">
        <source>Seed %1 was already used with the same template versions by %n job(s):</source>
        <translation>
            <numerusform>Seed %1 wurde mit denselben Vorlagenversionen bereits von %n Auftrag verwendet:</numerusform>
            <numerusform>Seed %1 wurde mit denselben Vorlagenversionen bereits von %n Aufträgen verwendet:</numerusform>
        </translation>
    </message>
    <message>
        <source>The new job would draw the same prompts again: most answers would be duplicates, rejected after they are paid for.</source>
        <translation>Der neue Auftrag würde dieselben Prompts noch einmal ziehen: Die meisten Antworten wären Duplikate, die erst nach der Bezahlung verworfen werden.</translation>
    </message>
    <message>
        <source>Use seed %1</source>
        <translation>Seed %1 verwenden</translation>
    </message>
    <message>
        <source>Launch with seed %1</source>
        <translation>Mit Seed %1 starten</translation>
    </message>
    <message>
        <source>Testing the connection…</source>
        <translation>Verbindung wird getestet…</translation>
    </message>
    <message>
        <source>last error: %1</source>
        <translation>letzter Fehler: %1</translation>
    </message>
    <message>
        <source>All %1 endpoints: each request goes to the one with the most free capacity</source>
        <translation>Alle %1 Endpunkte: jede Anfrage geht an den mit der meisten freien Kapazität</translation>
    </message>
    <message>
        <source>No generation jobs yet.</source>
        <translation>Noch keine Generierungsaufträge.</translation>
    </message>
    <message>
        <source>Jobs send prompts to an OpenAI-compatible endpoint (vLLM, llama.cpp&apos;s server, OpenAI, ...). Add one in Settings, or type its base URL in the Endpoint field above, then press Launch.</source>
        <translation>Aufträge senden Prompts an einen OpenAI-kompatiblen Endpunkt (vLLM, der Server von llama.cpp, OpenAI, ...). Fügen Sie in den Einstellungen einen hinzu oder geben Sie oben im Feld „Endpunkt“ seine Basis-URL ein, dann klicken Sie auf „Starten“.</translation>
    </message>
    <message>
        <source>Choose the families, their mix and the number of samples above, then press Launch. The samples appear in Samples as they arrive.</source>
        <translation>Wählen Sie oben die Familien, ihre Mischung und die Anzahl der Beispiele, dann klicken Sie auf „Starten“. Die Beispiele erscheinen unter „Beispiele“, sobald sie eintreffen.</translation>
    </message>
    <message>
        <source>Settings...</source>
        <translation>Einstellungen...</translation>
    </message>
    <message>
        <source>Edit templates</source>
        <translation>Vorlagen bearbeiten</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::GuidePanel</name>
    <message>
        <source>Guide</source>
        <translation>Leitfaden</translation>
    </message>
    <message>
        <source>Templates</source>
        <translation>Vorlagen</translation>
    </message>
    <message>
        <source>Write or adapt the brainstorm and generate prompts. Placeholders such as {language} or {difficulty} are filled from value pools so every prompt differs.</source>
        <translation>Schreiben oder bearbeiten Sie die Brainstorm- und Generierungs-Prompts. Platzhalter wie {language} oder {difficulty} werden aus Wertepools gefüllt, sodass sich jeder Prompt unterscheidet.</translation>
    </message>
    <message>
        <source>Generation</source>
        <translation>Generierung</translation>
    </message>
    <message>
        <source>Send rendered prompts to an OpenAI-compatible endpoint (set it up in Settings). Jobs survive restarts and never pay twice for an answer.</source>
        <translation>Senden Sie die gerenderten Prompts an einen OpenAI-kompatiblen Endpunkt (einzurichten in den Einstellungen). Aufträge überstehen Neustarts und bezahlen nie zweimal für dieselbe Antwort.</translation>
    </message>
    <message>
        <source>Samples</source>
        <translation>Beispiele</translation>
    </message>
    <message>
        <source>Inspect what came back, remove duplicates and contaminated samples, accept, reject or edit by hand.</source>
        <translation>Prüfen Sie die Antworten, entfernen Sie Duplikate und kontaminierte Beispiele, nehmen Sie Beispiele an, lehnen Sie sie ab oder bearbeiten Sie sie von Hand.</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>Training</translation>
    </message>
    <message>
        <source>Fine-tune a backbone (BERT-style or Llama/Mistral/Qwen2) with a contrastive loss on the accepted samples, on CPU or GPU, and watch the loss.</source>
        <translation>Stimmen Sie ein Basismodell (BERT-artig oder Llama/Mistral/Qwen2) mit einem kontrastiven Loss auf den angenommenen Beispielen fein, auf CPU oder GPU, und verfolgen Sie den Loss.</translation>
    </message>
    <message>
        <source>Evaluation</source>
        <translation>Evaluierung</translation>
    </message>
    <message>
        <source>Score models MTEB-style on your own and public datasets and compare runs.</source>
        <translation>Bewerten Sie Modelle im MTEB-Stil auf eigenen und öffentlichen Datensätzen und vergleichen Sie Läufe.</translation>
    </message>
    <message>
        <source>Explorer</source>
        <translation>Explorer</translation>
    </message>
    <message>
        <source>Search the embedding space with a typed query and look at its map.</source>
        <translation>Durchsuchen Sie den Embedding-Raum mit einer eingegebenen Anfrage und betrachten Sie seine Karte.</translation>
    </message>
    <message>
        <source>&lt;p&gt;synthembed turns an LLM into training data, and the data into an embedding model:&lt;/p&gt;</source>
        <translation>&lt;p&gt;synthembed macht aus einem LLM Trainingsdaten und aus den Daten ein Embedding-Modell:&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;Everything is stored in the project file shown in the status bar. The same steps run headless with &lt;code&gt;synthembed-cli&lt;/code&gt;.&lt;/p&gt;</source>
        <translation>&lt;p&gt;Alles wird in der Projektdatei gespeichert, die in der Statusleiste angezeigt wird. Dieselben Schritte laufen ohne Oberfläche mit &lt;code&gt;synthembed-cli&lt;/code&gt;.&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::HistoryPanel</name>
    <message numerus="yes">
        <source>%n unchanged line(s)</source>
        <translation>
            <numerusform>%n unveränderte Zeile</numerusform>
            <numerusform>%n unveränderte Zeilen</numerusform>
        </translation>
    </message>
    <message>
        <source>No differences.</source>
        <translation>Keine Unterschiede.</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>Saved (UTC)</source>
        <translation>Gespeichert (UTC)</translation>
    </message>
    <message>
        <source>Changes</source>
        <translation>Änderungen</translation>
    </message>
    <message>
        <source>Select one version to see what it changed, or two to compare them</source>
        <translation>Eine Version auswählen, um ihre Änderungen zu sehen, oder zwei, um sie zu vergleichen</translation>
    </message>
    <message>
        <source>Open in editor</source>
        <translation>Im Editor öffnen</translation>
    </message>
    <message>
        <source>Put this version&apos;s text into the editor; Save makes it the latest version</source>
        <translation>Den Text dieser Version in den Editor laden; Speichern macht ihn zur neuesten Version</translation>
    </message>
    <message>
        <source>first version</source>
        <translation>erste Version</translation>
    </message>
    <message>
        <source>+%1 −%2 lines</source>
        <translation>+%1 −%2 Zeilen</translation>
    </message>
    <message>
        <source>Select one version, or two to compare.</source>
        <translation>Wählen Sie eine Version aus, oder zwei zum Vergleichen.</translation>
    </message>
    <message>
        <source>v%1 → v%2: +%3 −%4 lines</source>
        <translation>v%1 → v%2: +%3 −%4 Zeilen</translation>
    </message>
    <message>
        <source>v%1: first version</source>
        <translation>v%1: erste Version</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::JobTableModel</name>
    <message>
        <source>%1: %2 / %3</source>
        <translation>%1: %2 / %3</translation>
    </message>
    <message>
        <source>Requests sent and not answered yet (retries of this run)</source>
        <translation>Gesendete, noch nicht beantwortete Anfragen (Wiederholungen in diesem Lauf)</translation>
    </message>
    <message>
        <source>%1 brainstorm, %2 tasks, %3 failed, %4 HTTP attempts</source>
        <translation>%1 Brainstorm, %2 Aufgaben, %3 fehlgeschlagen, %4 HTTP-Versuche</translation>
    </message>
    <message>
        <source>%1 (other process)</source>
        <translation>%1 (anderer Prozess)</translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>%1 (%2 retries)</source>
        <translation>%1 (%2 Wiederholungen)</translation>
    </message>
    <message>
        <source>%1 req/s · %2 tok/s</source>
        <translation>%1 Anfr./s · %2 Tok./s</translation>
    </message>
    <message>
        <source>%1 in / %2 out</source>
        <translation>%1 Eingabe / %2 Ausgabe</translation>
    </message>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Fortschritt</translation>
    </message>
    <message>
        <source>Accepted</source>
        <translation>Angenommen</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>Abgelehnt</translation>
    </message>
    <message>
        <source>Requests</source>
        <translation>Anfragen</translation>
    </message>
    <message>
        <source>In flight</source>
        <translation>Ausstehend</translation>
    </message>
    <message>
        <source>Rate</source>
        <translation>Rate</translation>
    </message>
    <message>
        <source>Tokens</source>
        <translation>Tokens</translation>
    </message>
    <message>
        <source>Cost</source>
        <translation>Kosten</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Last error: %1</source>
        <translation>Letzter Fehler: %1</translation>
    </message>
    <message>
        <source>pending</source>
        <translation>wartend</translation>
    </message>
    <message>
        <source>running</source>
        <translation>läuft</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>pausiert</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>abgebrochen</translation>
    </message>
    <message>
        <source>done</source>
        <translation>fertig</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::LogDock</name>
    <message>
        <source>Log</source>
        <translation>Protokoll</translation>
    </message>
    <message>
        <source>Debug</source>
        <translation>Debug</translation>
    </message>
    <message>
        <source>Info</source>
        <translation>Info</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>Warnung</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Lowest level of messages to show</source>
        <translation>Niedrigste anzuzeigende Meldungsstufe</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Leeren</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::MainWindow</name>
    <message>
        <source>synthembed</source>
        <translation>synthembed</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;New Project...</source>
        <translation>&amp;Neues Projekt...</translation>
    </message>
    <message>
        <source>&amp;Open Project...</source>
        <translation>Projekt ö&amp;ffnen...</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>&amp;Zuletzt geöffnet</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;Bearbeiten</translation>
    </message>
    <message>
        <source>&amp;Settings...</source>
        <translation>&amp;Einstellungen...</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About synthembed</source>
        <translation>&amp;Über synthembed</translation>
    </message>
    <message>
        <source>Open project</source>
        <translation>Projekt öffnen</translation>
    </message>
    <message>
        <source>New project</source>
        <translation>Neues Projekt</translation>
    </message>
    <message>
        <source>No project</source>
        <translation>Kein Projekt</translation>
    </message>
    <message>
        <source>%1 — %2 templates, %3 samples</source>
        <translation>%1 — %2 Vorlagen, %3 Beispiele</translation>
    </message>
    <message>
        <source>%1 — synthembed</source>
        <translation>%1 — synthembed</translation>
    </message>
    <message>
        <source>About synthembed</source>
        <translation>Über synthembed</translation>
    </message>
    <message>
        <source>&lt;h3&gt;synthembed&lt;/h3&gt;&lt;p&gt;Build text-embedding models from LLM-generated synthetic data: templates, generation, curation, contrastive fine-tuning, evaluation and exploration.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;synthembed&lt;/h3&gt;&lt;p&gt;Text-Embedding-Modelle aus LLM-generierten synthetischen Daten erstellen: Vorlagen, Generierung, Kuratierung, kontrastive Feinabstimmung, Evaluierung und Erkundung.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Evaluate %1</source>
        <translation>%1 evaluieren</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>&amp;Rückgängig</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>&amp;Wiederherstellen</translation>
    </message>
    <message>
        <source>Sample %1 is not listed with the Samples area&apos;s filters</source>
        <translation>Beispiel %1 ist mit den Filtern des Bereichs Beispiele nicht aufgeführt</translation>
    </message>
    <message>
        <source>No project is open.</source>
        <translation>Kein Projekt geöffnet.</translation>
    </message>
    <message>
        <source>A project file holds your templates, samples, training runs and results. Create a new project or open an existing one.</source>
        <translation>Eine Projektdatei enthält Ihre Vorlagen, Beispiele, Trainingsläufe und Ergebnisse. Legen Sie ein neues Projekt an oder öffnen Sie ein vorhandenes.</translation>
    </message>
    <message>
        <source>New Project...</source>
        <translation>Neues Projekt...</translation>
    </message>
    <message>
        <source>Open Project...</source>
        <translation>Projekt öffnen...</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::MapView</name>
    <message>
        <source>PC 1</source>
        <translation>HK 1</translation>
    </message>
    <message>
        <source>PC 2</source>
        <translation>HK 2</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(keine)</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::MetricPlots</name>
    <message>
        <source>Right-click to move or hide the legend.</source>
        <translation>Rechtsklick: Legende verschieben oder ausblenden.</translation>
    </message>
    <message>
        <source>Legend top right</source>
        <translation>Legende oben rechts</translation>
    </message>
    <message>
        <source>Legend top left</source>
        <translation>Legende oben links</translation>
    </message>
    <message>
        <source>Legend bottom right</source>
        <translation>Legende unten rechts</translation>
    </message>
    <message>
        <source>Legend bottom left</source>
        <translation>Legende unten links</translation>
    </message>
    <message>
        <source>Hide legend</source>
        <translation>Legende ausblenden</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>Loss</translation>
    </message>
    <message>
        <source>InfoNCE</source>
        <translation>InfoNCE</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>Lernrate</translation>
    </message>
    <message>
        <source>lr</source>
        <translation>LR</translation>
    </message>
    <message>
        <source>Gradient norm</source>
        <translation>Gradientennorm</translation>
    </message>
    <message>
        <source>L2 norm</source>
        <translation>L2-Norm</translation>
    </message>
    <message>
        <source>Throughput</source>
        <translation>Durchsatz</translation>
    </message>
    <message>
        <source>samples/s</source>
        <translation>Beispiele/s</translation>
    </message>
    <message>
        <source>In-batch accuracy</source>
        <translation>In-Batch-Genauigkeit</translation>
    </message>
    <message>
        <source>top-1</source>
        <translation>Top-1</translation>
    </message>
    <message>
        <source>Cosine similarity</source>
        <translation>Kosinus-Ähnlichkeit</translation>
    </message>
    <message>
        <source>cos</source>
        <translation>cos</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>Loss</translation>
    </message>
    <message>
        <source>smoothed</source>
        <translation>geglättet</translation>
    </message>
    <message>
        <source>grad norm</source>
        <translation>Gradientennorm</translation>
    </message>
    <message>
        <source>in-batch</source>
        <translation>In-Batch</translation>
    </message>
    <message>
        <source>dev</source>
        <translation>Dev</translation>
    </message>
    <message>
        <source>positive</source>
        <translation>positiv</translation>
    </message>
    <message>
        <source>negative</source>
        <translation>negativ</translation>
    </message>
    <message>
        <source>run</source>
        <translation>Lauf</translation>
    </message>
    <message>
        <source>compare</source>
        <translation>Vergleich</translation>
    </message>
    <message>
        <source>step</source>
        <translation>Schritt</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::ModelMemory</name>
    <message>
        <source>%1 parameters, %2 checkpoint</source>
        <translation>%1 Parameter, Checkpoint in %2</translation>
    </message>
    <message>
        <source>%1; needs about %2 as %3 on CPU (this machine: %4)</source>
        <translation>%1; braucht etwa %2 als %3 auf der CPU (dieser Rechner: %4)</translation>
    </message>
    <message>
        <source>%1; needs about %2 as %3 on CPU</source>
        <translation>%1; braucht etwa %2 als %3 auf der CPU</translation>
    </message>
    <message>
        <source>%1; does not fit this machine&apos;s memory (%2)</source>
        <translation>%1; passt nicht in den Speicher dieses Rechners (%2)</translation>
    </message>
    <message>
        <source>Full fine-tuning on CPU needs about %1 before activations (float32 weights, gradients and optimizer state).</source>
        <translation>Volles Fine-Tuning auf der CPU braucht etwa %1 vor den Aktivierungen (float32-Gewichte, Gradienten und Optimiererzustand).</translation>
    </message>
    <message>
        <source>LoRA training on CPU needs about %1 before activations (float32 base weights).</source>
        <translation>LoRA-Training auf der CPU braucht etwa %1 vor den Aktivierungen (float32-Basisgewichte).</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::PoolEditor</name>
    <message>
        <source>Placeholder</source>
        <translation>Platzhalter</translation>
    </message>
    <message>
        <source>Pool</source>
        <translation>Pool</translation>
    </message>
    <message>
        <source>Values</source>
        <translation>Werte</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Weight</source>
        <translation>Gewicht</translation>
    </message>
    <message>
        <source>Share</source>
        <translation>Anteil</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Hinzufügen</translation>
    </message>
    <message>
        <source>Add a value to the pool</source>
        <translation>Dem Pool einen Wert hinzufügen</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>Remove the selected values</source>
        <translation>Ausgewählte Werte entfernen</translation>
    </message>
    <message>
        <source>Revert</source>
        <translation>Zurücksetzen</translation>
    </message>
    <message>
        <source>Discard the pool edits</source>
        <translation>Änderungen am Pool verwerfen</translation>
    </message>
    <message>
        <source>Save pool</source>
        <translation>Pool speichern</translation>
    </message>
    <message>
        <source>Store the pool as a new version (templates and samples keep the versions they used)</source>
        <translation>Den Pool als neue Version speichern (Vorlagen und Beispiele behalten die Versionen, die sie verwendet haben)</translation>
    </message>
    <message>
        <source> (edited)</source>
        <translation> (bearbeitet)</translation>
    </message>
    <message>
        <source>%1 (missing)</source>
        <translation>%1 (fehlt)</translation>
    </message>
    <message>
        <source>input (from the plan)</source>
        <translation>Eingabe (aus dem Plan)</translation>
    </message>
    <message>
        <source>Select a placeholder to edit its pool.</source>
        <translation>Wählen Sie einen Platzhalter, um seinen Pool zu bearbeiten.</translation>
    </message>
    <message>
        <source>Pool &lt;b&gt;%1&lt;/b&gt; does not exist.</source>
        <translation>Pool &lt;b&gt;%1&lt;/b&gt; existiert nicht.</translation>
    </message>
    <message>
        <source>Pool &lt;b&gt;%1&lt;/b&gt; · version %2 · %3 values%4</source>
        <translation>Pool &lt;b&gt;%1&lt;/b&gt; · Version %2 · %3 Werte%4</translation>
    </message>
    <message>
        <source> · &lt;span style=&quot;color:#b26a00;&quot;&gt;edited, not saved&lt;/span&gt;</source>
        <translation> · &lt;span style=&quot;color:#b26a00;&quot;&gt;bearbeitet, nicht gespeichert&lt;/span&gt;</translation>
    </message>
    <message>
        <source>new value</source>
        <translation>neuer Wert</translation>
    </message>
    <message>
        <source>a value is empty</source>
        <translation>ein Wert ist leer</translation>
    </message>
    <message>
        <source>Pool %1 was not saved:
%2</source>
        <translation>Pool %1 wurde nicht gespeichert:
%2</translation>
    </message>
    <message>
        <source>Saved pool %1 as version %2</source>
        <translation>Pool %1 als Version %2 gespeichert</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::PreviewPanel</name>
    <message>
        <source>Seed</source>
        <translation>Seed</translation>
    </message>
    <message>
        <source>The same seed always renders the same prompt, on every platform.</source>
        <translation>Derselbe Seed ergibt auf jeder Plattform immer denselben Prompt.</translation>
    </message>
    <message>
        <source>Resample</source>
        <translation>Neu ziehen</translation>
    </message>
    <message>
        <source>Draw new placeholder values (next seed)</source>
        <translation>Neue Platzhalterwerte ziehen (nächster Seed)</translation>
    </message>
    <message>
        <source>Placeholder</source>
        <translation>Platzhalter</translation>
    </message>
    <message>
        <source>Sampled value</source>
        <translation>Gezogener Wert</translation>
    </message>
    <message>
        <source>Preview not updated: %1</source>
        <translation>Vorschau nicht aktualisiert: %1</translation>
    </message>
    <message>
        <source>Seed %1 · value combinations: %2 · ~%3 prompt tokens</source>
        <translation>Seed %1 · Wertkombinationen: %2 · ~%3 Prompt-Tokens</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::ProblemsPanel</name>
    <message>
        <source>Line:Col</source>
        <translation>Zeile:Spalte</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Problem</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>Problems: none</source>
        <translation>Probleme: keine</translation>
    </message>
    <message>
        <source>Problems: %1 error(s), %2 warning(s) — click one to jump to it</source>
        <translation>Probleme: %1 Fehler, %2 Warnung(en) — zum Hinspringen anklicken</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::RunBuilder</name>
    <message numerus="yes">
        <source>%n sample(s) selected: %1 to train on, %2 held out for the dev metric</source>
        <translation>
            <numerusform>%n Beispiel ausgewählt: %1 zum Trainieren, %2 für die Dev-Metrik zurückgehalten</numerusform>
            <numerusform>%n Beispiele ausgewählt: %1 zum Trainieren, %2 für die Dev-Metrik zurückgehalten</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n example(s): %1 to train on, %2 held out for the dev metric</source>
        <translation>
            <numerusform>%n Beispiel: %1 zum Trainieren, %2 für die Dev-Metrik zurückgehalten</numerusform>
            <numerusform>%n Beispiele: %1 zum Trainieren, %2 für die Dev-Metrik zurückgehalten</numerusform>
        </translation>
    </message>
    <message>
        <source>Base model</source>
        <translation>Basismodell</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>optional</translation>
    </message>
    <message>
        <source>A name for the run in the runs table.</source>
        <translation>Ein Name für den Lauf in der Lauftabelle.</translation>
    </message>
    <message>
        <source>Run name</source>
        <translation>Laufname</translation>
    </message>
    <message>
        <source>A Hugging Face model folder (config.json, safetensors weights and a tokenizer), or a Hugging Face repo id ORG/NAME[@revision] from the Hugging Face cache. Llama, Mistral and Qwen2 decoders and BERT encoders are supported.</source>
        <translation>Ein Hugging-Face-Modellordner (config.json, safetensors-Gewichte und ein Tokenizer) oder eine Hugging-Face-Repo-ID ORG/NAME[@Revision] aus dem Hugging-Face-Cache. Unterstützt werden Llama-, Mistral- und Qwen2-Decoder sowie BERT-Encoder.</translation>
    </message>
    <message>
        <source>Browse...</source>
        <translation>Durchsuchen...</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>Ordner</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>Daten</translation>
    </message>
    <message>
        <source>Project samples</source>
        <translation>Projektbeispiele</translation>
    </message>
    <message>
        <source>Train on the open project&apos;s samples that have a query and a positive.</source>
        <translation>Auf den Beispielen des geöffneten Projekts trainieren, die eine Anfrage und ein Positiv haben.</translation>
    </message>
    <message>
        <source>JSONL file</source>
        <translation>JSONL-Datei</translation>
    </message>
    <message>
        <source>Train on a file of lines {&quot;query&quot;, &quot;positive&quot;[, &quot;negative&quot;][, &quot;instruction&quot;]} (the generation export format).</source>
        <translation>Auf einer Datei mit Zeilen {&quot;query&quot;, &quot;positive&quot;[, &quot;negative&quot;][, &quot;instruction&quot;]} trainieren (das Exportformat der Generierung).</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Quelle</translation>
    </message>
    <message>
        <source>Task families to train on; the number is how many samples each has under the other filters.</source>
        <translation>Aufgabenfamilien für das Training; die Zahl gibt an, wie viele Beispiele jede unter den übrigen Filtern hat.</translation>
    </message>
    <message>
        <source>Languages to train on.</source>
        <translation>Sprachen für das Training.</translation>
    </message>
    <message>
        <source>Which curation states count: accepted and edited samples by default.</source>
        <translation>Welche Kuratierungszustände zählen: standardmäßig angenommene und bearbeitete Beispiele.</translation>
    </message>
    <message>
        <source>Families</source>
        <translation>Familien</translation>
    </message>
    <message>
        <source>Languages</source>
        <translation>Sprachen</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Datei</translation>
    </message>
    <message>
        <source>Examples</source>
        <translation>Beispiele</translation>
    </message>
    <message>
        <source>Random</source>
        <translation>Zufällig</translation>
    </message>
    <message>
        <source>One family per batch</source>
        <translation>Eine Familie pro Batch</translation>
    </message>
    <message>
        <source>Random: every batch draws from all data. One family per batch: in-batch negatives are of the same kind (families weighted by their size), as e5 recipes do.</source>
        <translation>Zufällig: Jeder Batch zieht aus allen Daten. Eine Familie pro Batch: In-Batch-Negative sind von derselben Art (Familien nach ihrer Größe gewichtet), wie in den e5-Rezepten.</translation>
    </message>
    <message>
        <source>Batch mix</source>
        <translation>Batch-Mischung</translation>
    </message>
    <message>
        <source>Tokens per sequence (query with its instruction, or document); longer texts are cut. The paper uses 512.</source>
        <translation>Tokens pro Sequenz (Anfrage mit ihrer Anweisung oder Dokument); längere Texte werden abgeschnitten. Das Paper verwendet 512.</translation>
    </message>
    <message>
        <source>Max length</source>
        <translation>Max. Länge</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>Methode</translation>
    </message>
    <message>
        <source>LoRA</source>
        <translation>LoRA</translation>
    </message>
    <message>
        <source>Train small low-rank adapters on every linear projection; the base weights stay frozen (e5-mistral: rank 16 on all linear layers).</source>
        <translation>Kleine Low-Rank-Adapter auf jeder linearen Projektion trainieren; die Basisgewichte bleiben eingefroren (e5-mistral: Rang 16 auf allen linearen Schichten).</translation>
    </message>
    <message>
        <source>Full fine-tune</source>
        <translation>Volle Feinabstimmung</translation>
    </message>
    <message>
        <source>Train every weight: best for small models, needs memory for optimiser state of all weights.</source>
        <translation>Jedes Gewicht trainieren: am besten für kleine Modelle, braucht Speicher für den Optimierer-Zustand aller Gewichte.</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>Trainieren</translation>
    </message>
    <message>
        <source>LoRA rank r: size of the low-rank update (paper: 16).</source>
        <translation>LoRA-Rang r: Größe des Low-Rank-Updates (Paper: 16).</translation>
    </message>
    <message>
        <source>LoRA alpha: the update is scaled by alpha / r (paper: 32).</source>
        <translation>LoRA-Alpha: Das Update wird mit alpha / r skaliert (Paper: 32).</translation>
    </message>
    <message>
        <source>Dropout on the adapters&apos; input, as PEFT applies it.</source>
        <translation>Dropout auf der Eingabe der Adapter, wie PEFT es anwendet.</translation>
    </message>
    <message>
        <source>Rank</source>
        <translation>Rang</translation>
    </message>
    <message>
        <source>Alpha</source>
        <translation>Alpha</translation>
    </message>
    <message>
        <source>Dropout</source>
        <translation>Dropout</translation>
    </message>
    <message>
        <source>Last token</source>
        <translation>Letztes Token</translation>
    </message>
    <message>
        <source>Mean</source>
        <translation>Mittelwert</translation>
    </message>
    <message>
        <source>CLS</source>
        <translation>CLS</translation>
    </message>
    <message>
        <source>How a text&apos;s hidden states become one vector: the last token&apos;s (with EOS appended; decoders, as the paper), the mean over tokens, or the first token&apos;s (BERT&apos;s [CLS]).</source>
        <translation>Wie die Hidden States eines Textes zu einem Vektor werden: der des letzten Tokens (mit angehängtem EOS; Decoder, wie im Paper), der Mittelwert über die Tokens oder der des ersten Tokens ([CLS] bei BERT).</translation>
    </message>
    <message>
        <source>Pooling</source>
        <translation>Pooling</translation>
    </message>
    <message>
        <source>Loss and optimiser</source>
        <translation>Loss und Optimierer</translation>
    </message>
    <message>
        <source>InfoNCE temperature: cosine similarities are divided by it (paper: 0.02). Lower values sharpen the contrast between positives and negatives.</source>
        <translation>InfoNCE-Temperatur: Die Kosinus-Ähnlichkeiten werden durch sie geteilt (Paper: 0,02). Kleinere Werte verschärfen den Kontrast zwischen Positiven und Negativen.</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>Temperatur</translation>
    </message>
    <message>
        <source>Also document to query</source>
        <translation>Auch Dokument zu Anfrage</translation>
    </message>
    <message>
        <source>Adds the symmetric InfoNCE term that scores each positive against all queries.</source>
        <translation>Fügt den symmetrischen InfoNCE-Term hinzu, der jedes Positiv gegen alle Anfragen bewertet.</translation>
    </message>
    <message>
        <source>Peak learning rate of AdamW (paper: 1e-4 for LoRA). Full fine-tunes of small models often want more, e.g. 1e-3. Arrows double or halve it.</source>
        <translation>Spitzen-Lernrate von AdamW (Paper: 1e-4 für LoRA). Volle Feinabstimmungen kleiner Modelle brauchen oft mehr, z. B. 1e-3. Die Pfeile verdoppeln oder halbieren sie.</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>Lernrate</translation>
    </message>
    <message>
        <source>Steps of linear warm-up from 0 to the peak rate; it then decays linearly to 0 at the last step (paper: 100).</source>
        <translation>Schritte des linearen Warm-ups von 0 bis zur Spitzenrate; danach fällt sie linear bis 0 im letzten Schritt (Paper: 100).</translation>
    </message>
    <message>
        <source>Warm-up steps</source>
        <translation>Warm-up-Schritte</translation>
    </message>
    <message>
        <source>AdamW weight decay, not applied to norms and biases.</source>
        <translation>AdamW-Weight-Decay, nicht auf Normen und Biases angewendet.</translation>
    </message>
    <message>
        <source>Weight decay</source>
        <translation>Weight Decay</translation>
    </message>
    <message>
        <source>Batches and length</source>
        <translation>Batches und Länge</translation>
    </message>
    <message>
        <source>Queries per optimiser step. Every other positive (and every hard negative) in the batch is a negative for a query, so larger batches train better (paper: 2048).</source>
        <translation>Anfragen pro Optimiererschritt. Jedes andere Positiv (und jedes harte Negativ) im Batch ist ein Negativ für eine Anfrage, daher trainieren größere Batches besser (Paper: 2048).</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation>Batch-Größe</translation>
    </message>
    <message>
        <source>GradCache sub-batch: sequences per forward pass. A large batch then needs only the memory of a sub-batch, with the same gradients. 0 = the whole batch in one pass.</source>
        <translation>GradCache-Teilbatch: Sequenzen pro Vorwärtsdurchlauf. Ein großer Batch braucht dann nur den Speicher eines Teilbatches, bei gleichen Gradienten. 0 = der ganze Batch in einem Durchlauf.</translation>
    </message>
    <message>
        <source>off</source>
        <translation>aus</translation>
    </message>
    <message>
        <source>GradCache sub-batch</source>
        <translation>GradCache-Teilbatch</translation>
    </message>
    <message>
        <source>Recompute activations in backward</source>
        <translation>Aktivierungen im Rückwärtsdurchlauf neu berechnen</translation>
    </message>
    <message>
        <source>Gradient checkpointing: each transformer layer keeps only its input during the forward pass and is run again in the backward pass. Activation memory drops to about one layer&apos;s worth, for roughly 30% more compute per step. Loss and gradients stay the same (dropout is replayed).</source>
        <translation>Gradient Checkpointing: Jede Transformer-Schicht behält im Vorwärtsdurchlauf nur ihre Eingabe und wird im Rückwärtsdurchlauf erneut ausgeführt. Der Aktivierungsspeicher sinkt auf etwa den einer Schicht, bei rund 30 % mehr Rechenaufwand pro Schritt. Verlust und Gradienten bleiben gleich (Dropout wird wiederholt).</translation>
    </message>
    <message>
        <source>Gradient checkpointing</source>
        <translation>Gradient Checkpointing</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>Schritte</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>Epochen</translation>
    </message>
    <message>
        <source>Optimiser steps to train.</source>
        <translation>Zu trainierende Optimiererschritte.</translation>
    </message>
    <message>
        <source>Passes over the data (the last partial batch of each epoch is dropped).</source>
        <translation>Durchläufe über die Daten (der letzte unvollständige Batch jeder Epoche wird verworfen).</translation>
    </message>
    <message>
        <source>Length</source>
        <translation>Länge</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>Lauf</translation>
    </message>
    <message>
        <source>Seeds the data order, dropout and adapter initialisation: the same seed repeats a run.</source>
        <translation>Bestimmt Datenreihenfolge, Dropout und Adapter-Initialisierung: Derselbe Seed wiederholt einen Lauf.</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>Seed</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>CUDA GPU</source>
        <translation>CUDA-GPU</translation>
    </message>
    <message>
        <source>No CUDA device: this build of libtorch or this machine has no usable NVIDIA GPU.</source>
        <translation>Kein CUDA-Gerät: Dieser libtorch-Build oder dieser Rechner hat keine nutzbare NVIDIA-GPU.</translation>
    </message>
    <message numerus="yes">
        <source>%n CUDA device(s); bf16 autocast is used on the GPU.</source>
        <translation>
            <numerusform>%n CUDA-Gerät; auf der GPU wird bf16-Autocast verwendet.</numerusform>
            <numerusform>%n CUDA-Geräte; auf der GPU wird bf16-Autocast verwendet.</numerusform>
        </translation>
    </message>
    <message>
        <source>Where to train.</source>
        <translation>Wo trainiert wird.</translation>
    </message>
    <message>
        <source>Where to train. CUDA is not available here.</source>
        <translation>Wo trainiert wird. CUDA ist hier nicht verfügbar.</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Gerät</translation>
    </message>
    <message>
        <source>Steps between checkpoints (a stop also writes one). 0 = only on stop and at the end.</source>
        <translation>Schritte zwischen Checkpoints (ein Stopp schreibt auch einen). 0 = nur beim Stopp und am Ende.</translation>
    </message>
    <message>
        <source>Checkpoint every</source>
        <translation>Checkpoint alle</translation>
    </message>
    <message>
        <source>Share of the data held out to measure in-batch retrieval accuracy during training.</source>
        <translation>Anteil der Daten, der zurückgehalten wird, um während des Trainings die In-Batch-Retrieval-Genauigkeit zu messen.</translation>
    </message>
    <message>
        <source>Steps between dev evaluations (0 = none).</source>
        <translation>Schritte zwischen Dev-Evaluierungen (0 = keine).</translation>
    </message>
    <message>
        <source>every</source>
        <translation>alle</translation>
    </message>
    <message>
        <source>Dev share</source>
        <translation>Dev-Anteil</translation>
    </message>
    <message>
        <source>Where the trained model goes (merged weights, the LoRA adapter, sentence-transformers files); checkpoints are kept in its checkpoints/ folder.</source>
        <translation>Wohin das trainierte Modell geschrieben wird (zusammengeführte Gewichte, der LoRA-Adapter, sentence-transformers-Dateien); Checkpoints liegen in seinem Ordner checkpoints/.</translation>
    </message>
    <message>
        <source>Output folder</source>
        <translation>Ausgabeordner</translation>
    </message>
    <message>
        <source>Base model folder</source>
        <translation>Basismodell-Ordner</translation>
    </message>
    <message>
        <source>Training data</source>
        <translation>Trainingsdaten</translation>
    </message>
    <message>
        <source>JSON Lines (*.jsonl *.json);;All files (*)</source>
        <translation>JSON Lines (*.jsonl *.json);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>&lt;i&gt;Choose a model folder.&lt;/i&gt;</source>
        <translation>&lt;i&gt;Wählen Sie einen Modellordner.&lt;/i&gt;</translation>
    </message>
    <message>
        <source>%1 %2, hidden size %3, %4 parameters, tokenizer %5</source>
        <translation>%1 %2, Hidden Size %3, %4 Parameter, Tokenizer %5</translation>
    </message>
    <message>
        <source>decoder</source>
        <translation>Decoder</translation>
    </message>
    <message>
        <source>encoder</source>
        <translation>Encoder</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(keine)</translation>
    </message>
    <message>
        <source>&lt;i&gt;Choose a JSONL file.&lt;/i&gt;</source>
        <translation>&lt;i&gt;Wählen Sie eine JSONL-Datei.&lt;/i&gt;</translation>
    </message>
    <message numerus="yes">
        <source>%n example(s)</source>
        <translation>
            <numerusform>%n Beispiel</numerusform>
            <numerusform>%n Beispiele</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n sample(s) selected</source>
        <translation>
            <numerusform>%n Beispiel ausgewählt</numerusform>
            <numerusform>%n Beispiele ausgewählt</numerusform>
        </translation>
    </message>
    <message>
        <source>&lt;i&gt;No project open.&lt;/i&gt;</source>
        <translation>&lt;i&gt;Kein Projekt geöffnet.&lt;/i&gt;</translation>
    </message>
    <message>
        <source>Choose a base model folder.</source>
        <translation>Wählen Sie einen Basismodell-Ordner.</translation>
    </message>
    <message>
        <source>The base model folder is not usable: %1</source>
        <translation>Der Basismodell-Ordner ist nicht verwendbar: %1</translation>
    </message>
    <message>
        <source>Choose a JSONL file.</source>
        <translation>Wählen Sie eine JSONL-Datei.</translation>
    </message>
    <message>
        <source>Open a project or choose a JSONL file.</source>
        <translation>Öffnen Sie ein Projekt oder wählen Sie eine JSONL-Datei.</translation>
    </message>
    <message>
        <source>No samples match the data filters.</source>
        <translation>Keine Beispiele passen zu den Datenfiltern.</translation>
    </message>
    <message>
        <source>The batch (%1) is larger than the data (%2 examples).</source>
        <translation>Der Batch (%1) ist größer als die Daten (%2 Beispiele).</translation>
    </message>
    <message>
        <source>Choose an output folder.</source>
        <translation>Wählen Sie einen Ausgabeordner.</translation>
    </message>
    <message>
        <source>CUDA is not available on this machine.</source>
        <translation>CUDA ist auf diesem Rechner nicht verfügbar.</translation>
    </message>
    <message>
        <source>accepted</source>
        <translation>angenommen</translation>
    </message>
    <message>
        <source>edited</source>
        <translation>bearbeitet</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>abgelehnt</translation>
    </message>
    <message>
        <source>Download...</source>
        <translation>Herunterladen...</translation>
    </message>
    <message>
        <source>Download a model from the Hugging Face Hub by its repo id (ORG/NAME) into the Hugging Face cache, and use it here.</source>
        <translation>Ein Modell über seine Repo-ID (ORG/NAME) vom Hugging Face Hub in den Hugging-Face-Cache herunterladen und hier verwenden.</translation>
    </message>
    <message>
        <source>%1 Use Download... to fetch it.</source>
        <translation>%1 Mit Herunterladen... holen.</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::RunsModel</name>
    <message>
        <source>run %1</source>
        <translation>Lauf %1</translation>
    </message>
    <message>
        <source>done</source>
        <translation>fertig</translation>
    </message>
    <message>
        <source>running</source>
        <translation>läuft</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>gestoppt</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <source>interrupted</source>
        <translation>unterbrochen</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>angehalten</translation>
    </message>
    <message>
        <source>pending</source>
        <translation>wartet</translation>
    </message>
    <message>
        <source>The program ended while this run was training; resume continues from its last checkpoint.</source>
        <translation>Das Programm wurde während des Trainings dieses Laufs beendet; Fortsetzen macht ab seinem letzten Checkpoint weiter.</translation>
    </message>
    <message>
        <source>Stopped with a checkpoint; resume continues exactly.</source>
        <translation>Mit Checkpoint gestoppt; Fortsetzen macht genau dort weiter.</translation>
    </message>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>Loss</translation>
    </message>
    <message>
        <source>Base model</source>
        <translation>Basismodell</translation>
    </message>
    <message>
        <source>Output folder</source>
        <translation>Ausgabeordner</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Erstellt</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::SampleTableModel</name>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Family</source>
        <translation>Familie</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Query</source>
        <translation>Anfrage</translation>
    </message>
    <message>
        <source>Positive</source>
        <translation>Positiv</translation>
    </message>
    <message>
        <source>Negative</source>
        <translation>Negativ</translation>
    </message>
    <message>
        <source>Reject reason</source>
        <translation>Ablehnungsgrund</translation>
    </message>
    <message>
        <source>accepted</source>
        <translation>angenommen</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>abgelehnt</translation>
    </message>
    <message>
        <source>edited</source>
        <translation>bearbeitet</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::SamplesArea</name>
    <message>
        <source>All statuses</source>
        <translation>Alle Status</translation>
    </message>
    <message>
        <source>accepted</source>
        <translation>angenommen</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>abgelehnt</translation>
    </message>
    <message>
        <source>edited</source>
        <translation>bearbeitet</translation>
    </message>
    <message>
        <source>Search query, positive, negative, instruction</source>
        <translation>Anfrage, Positiv, Negativ, Anweisung durchsuchen</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Filter:</source>
        <translation>Filter:</translation>
    </message>
    <message>
        <source>Samples</source>
        <translation>Beispiele</translation>
    </message>
    <message>
        <source>Reject reason</source>
        <translation>Ablehnungsgrund</translation>
    </message>
    <message>
        <source>Reject reasons</source>
        <translation>Ablehnungsgründe</translation>
    </message>
    <message>
        <source>Instruction</source>
        <translation>Anweisung</translation>
    </message>
    <message>
        <source>Query</source>
        <translation>Anfrage</translation>
    </message>
    <message>
        <source>Positive</source>
        <translation>Positiv</translation>
    </message>
    <message>
        <source>Negative</source>
        <translation>Negativ</translation>
    </message>
    <message>
        <source>Fields</source>
        <translation>Felder</translation>
    </message>
    <message>
        <source>The fields parsed from the answer; edit them and press Save edit</source>
        <translation>Die aus der Antwort ausgewerteten Felder; bearbeiten Sie sie und klicken Sie auf „Änderung speichern“</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>Prompt</translation>
    </message>
    <message>
        <source>The rendered prompt sent to the LLM</source>
        <translation>Der gerenderte Prompt, der an das LLM gesendet wurde</translation>
    </message>
    <message>
        <source>Placeholder</source>
        <translation>Platzhalter</translation>
    </message>
    <message>
        <source>Sampled value</source>
        <translation>Gezogener Wert</translation>
    </message>
    <message>
        <source>Values</source>
        <translation>Werte</translation>
    </message>
    <message>
        <source>Raw answer</source>
        <translation>Rohantwort</translation>
    </message>
    <message>
        <source>Original</source>
        <translation>Original</translation>
    </message>
    <message>
        <source>Accept</source>
        <translation>Annehmen</translation>
    </message>
    <message>
        <source>reason for rejecting</source>
        <translation>Grund für die Ablehnung</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>Ablehnen</translation>
    </message>
    <message>
        <source>Save edit</source>
        <translation>Änderung speichern</translation>
    </message>
    <message>
        <source>Saves the edited fields; the original is kept</source>
        <translation>Speichert die bearbeiteten Felder; das Original bleibt erhalten</translation>
    </message>
    <message>
        <source>All families</source>
        <translation>Alle Familien</translation>
    </message>
    <message>
        <source>All languages</source>
        <translation>Alle Sprachen</translation>
    </message>
    <message>
        <source>All jobs</source>
        <translation>Alle Aufträge</translation>
    </message>
    <message>
        <source>Job %1</source>
        <translation>Auftrag %1</translation>
    </message>
    <message>
        <source>Job %1: %2</source>
        <translation>Auftrag %1: %2</translation>
    </message>
    <message>
        <source>(no reason)</source>
        <translation>(kein Grund)</translation>
    </message>
    <message>
        <source>reason: %1</source>
        <translation>Grund: %1</translation>
    </message>
    <message>
        <source>%1 samples</source>
        <translation>%1 Beispiele</translation>
    </message>
    <message>
        <source>Select a sample to see its prompt, values and answer.</source>
        <translation>Wählen Sie ein Beispiel, um Prompt, Werte und Antwort zu sehen.</translation>
    </message>
    <message>
        <source>No project open.</source>
        <translation>Kein Projekt geöffnet.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Sample %1&lt;/b&gt; · %2 · %3 · &lt;b&gt;%4&lt;/b&gt;</source>
        <translation>&lt;b&gt;Beispiel %1&lt;/b&gt; · %2 · %3 · &lt;b&gt;%4&lt;/b&gt;</translation>
    </message>
    <message>
        <source> · job %1</source>
        <translation> · Auftrag %1</translation>
    </message>
    <message>
        <source> · template %1</source>
        <translation> · Vorlage %1</translation>
    </message>
    <message>
        <source> · %1 + %2 tokens</source>
        <translation> · %1 + %2 Tokens</translation>
    </message>
    <message>
        <source>Task: %1</source>
        <translation>Aufgabe: %1</translation>
    </message>
    <message>
        <source>Rejected: %1</source>
        <translation>Abgelehnt: %1</translation>
    </message>
    <message>
        <source>(no prompt: the sample was imported)</source>
        <translation>(kein Prompt: das Beispiel wurde importiert)</translation>
    </message>
    <message>
        <source>(not edited)</source>
        <translation>(nicht bearbeitet)</translation>
    </message>
    <message>
        <source>Sample %1 accepted</source>
        <translation>Beispiel %1 angenommen</translation>
    </message>
    <message>
        <source>rejected by hand</source>
        <translation>von Hand abgelehnt</translation>
    </message>
    <message>
        <source>Sample %1 rejected</source>
        <translation>Beispiel %1 abgelehnt</translation>
    </message>
    <message>
        <source>Sample %1 saved (original kept)</source>
        <translation>Beispiel %1 gespeichert (Original erhalten)</translation>
    </message>
    <message>
        <source>The generated training samples: inspect, filter and curate.</source>
        <translation>Die generierten Trainingsbeispiele: prüfen, filtern und kuratieren.</translation>
    </message>
    <message>
        <source>duplicate</source>
        <translation>Duplikat</translation>
    </message>
    <message>
        <source>near-duplicate</source>
        <translation>Beinahe-Duplikat</translation>
    </message>
    <message>
        <source>contamination</source>
        <translation>Kontamination</translation>
    </message>
    <message>
        <source>no JSON in the answer</source>
        <translation>kein JSON in der Antwort</translation>
    </message>
    <message>
        <source>answer cut off</source>
        <translation>Antwort abgeschnitten</translation>
    </message>
    <message>
        <source>answer is not a JSON object</source>
        <translation>Antwort ist kein JSON-Objekt</translation>
    </message>
    <message>
        <source>missing key</source>
        <translation>fehlender Schlüssel</translation>
    </message>
    <message>
        <source>wrong value type</source>
        <translation>falscher Werttyp</translation>
    </message>
    <message>
        <source>empty value</source>
        <translation>leerer Wert</translation>
    </message>
    <message>
        <source>unfilled placeholder</source>
        <translation>nicht ausgefüllter Platzhalter</translation>
    </message>
    <message>
        <source>positive repeats the query</source>
        <translation>Positiv wiederholt die Anfrage</translation>
    </message>
    <message>
        <source>negative equals positive</source>
        <translation>Negativ gleich Positiv</translation>
    </message>
    <message>
        <source>filter: family</source>
        <translation>Filter: Familie</translation>
    </message>
    <message>
        <source>filter: language</source>
        <translation>Filter: Sprache</translation>
    </message>
    <message>
        <source>filter: query length</source>
        <translation>Filter: Anfragelänge</translation>
    </message>
    <message>
        <source>filter: positive length</source>
        <translation>Filter: Länge des Positivs</translation>
    </message>
    <message>
        <source>Show samples of every reject reason</source>
        <translation>Beispiele aller Ablehnungsgründe zeigen</translation>
    </message>
    <message>
        <source>Click a kind or a reason to list its samples</source>
        <translation>Klicken Sie auf eine Art oder einen Grund, um die Beispiele aufzulisten</translation>
    </message>
    <message>
        <source>Checks</source>
        <translation>Prüfungen</translation>
    </message>
    <message>
        <source>Find duplicates and evaluation data among the samples</source>
        <translation>Duplikate und Evaluierungsdaten unter den Beispielen finden</translation>
    </message>
    <message>
        <source>Reject &amp;&amp; next</source>
        <translation>Ablehnen &amp;&amp; weiter</translation>
    </message>
    <message>
        <source>Reject and next</source>
        <translation>Ablehnen und weiter</translation>
    </message>
    <message>
        <source>Rejects this sample and stays on it (%1)</source>
        <translation>Lehnt dieses Beispiel ab und bleibt darauf (%1)</translation>
    </message>
    <message>
        <source>Rejects this sample and shows the next one (%1)</source>
        <translation>Lehnt dieses Beispiel ab und zeigt das nächste (%1)</translation>
    </message>
    <message>
        <source>Find duplicates among the samples, or samples that overlap evaluation data.</source>
        <translation>Duplikate unter den Beispielen finden oder Beispiele, die sich mit Evaluierungsdaten überschneiden.</translation>
    </message>
    <message>
        <source>All rejected</source>
        <translation>Alle abgelehnten</translation>
    </message>
    <message>
        <source>reason kind: %1</source>
        <translation>Art des Grundes: %1</translation>
    </message>
    <message>
        <source>Accept sample %1</source>
        <translation>Beispiel %1 annehmen</translation>
    </message>
    <message>
        <source>Reject sample %1</source>
        <translation>Beispiel %1 ablehnen</translation>
    </message>
    <message>
        <source>Edit sample %1</source>
        <translation>Beispiel %1 bearbeiten</translation>
    </message>
    <message>
        <source>Find duplicates</source>
        <translation>Duplikate finden</translation>
    </message>
    <message>
        <source>Lists exact duplicates (same normalised text) and near duplicates among the accepted and edited samples; the earliest of each is kept. Nothing is rejected until you press Reject listed samples.</source>
        <translation>Listet exakte Duplikate (gleicher normalisierter Text) und Beinahe-Duplikate unter den angenommenen und bearbeiteten Beispielen auf; das früheste bleibt jeweils erhalten. Abgelehnt wird erst mit „Aufgelistete Beispiele ablehnen“.</translation>
    </message>
    <message>
        <source>near duplicates</source>
        <translation>Beinahe-Duplikate</translation>
    </message>
    <message>
        <source>Word-shingle similarity (Jaccard) at or above which two texts count as near duplicates</source>
        <translation>Wort-Shingle-Ähnlichkeit (Jaccard), ab der zwei Texte als Beinahe-Duplikate gelten</translation>
    </message>
    <message>
        <source>Check contamination</source>
        <translation>Kontamination prüfen</translation>
    </message>
    <message>
        <source>Lists samples whose query or positive nearly duplicates a text of an evaluation set, and flags them</source>
        <translation>Listet Beispiele auf, deren Anfrage oder Positiv einen Text eines Evaluierungsdatensatzes fast wiederholt, und markiert sie</translation>
    </message>
    <message>
        <source>Evaluation folder (BEIR)…</source>
        <translation>Evaluierungsordner (BEIR)…</translation>
    </message>
    <message>
        <source>Evaluation folder</source>
        <translation>Evaluierungsordner</translation>
    </message>
    <message>
        <source>Evaluation file (.jsonl, .csv, .tsv, .txt)…</source>
        <translation>Evaluierungsdatei (.jsonl, .csv, .tsv, .txt)…</translation>
    </message>
    <message>
        <source>Evaluation file</source>
        <translation>Evaluierungsdatei</translation>
    </message>
    <message>
        <source>Evaluation texts (*.jsonl *.json *.csv *.tsv *.txt);;All files (*)</source>
        <translation>Evaluierungstexte (*.jsonl *.json *.csv *.tsv *.txt);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Similarity ≥</source>
        <translation>Ähnlichkeit ≥</translation>
    </message>
    <message>
        <source>Sample</source>
        <translation>Beispiel</translation>
    </message>
    <message>
        <source>Found</source>
        <translation>Gefunden</translation>
    </message>
    <message>
        <source>Matches</source>
        <translation>Trifft auf</translation>
    </message>
    <message>
        <source>Similarity</source>
        <translation>Ähnlichkeit</translation>
    </message>
    <message>
        <source>Double-click a row to show its sample</source>
        <translation>Doppelklicken Sie auf eine Zeile, um ihr Beispiel zu zeigen</translation>
    </message>
    <message>
        <source>Reject listed samples</source>
        <translation>Aufgelistete Beispiele ablehnen</translation>
    </message>
    <message>
        <source>Rejects every listed sample with the reason shown (one step to undo)</source>
        <translation>Lehnt jedes aufgelistete Beispiel mit dem angezeigten Grund ab (ein Schritt zum Rückgängigmachen)</translation>
    </message>
    <message>
        <source>Looking for duplicates…</source>
        <translation>Suche nach Duplikaten…</translation>
    </message>
    <message>
        <source>Checking against %1…</source>
        <translation>Prüfe gegen %1…</translation>
    </message>
    <message>
        <source>%1 of %2 samples</source>
        <translation>%1 von %2 Beispielen</translation>
    </message>
    <message>
        <source>Check cancelled; nothing was changed.</source>
        <translation>Prüfung abgebrochen; nichts wurde geändert.</translation>
    </message>
    <message>
        <source>sample %1 (kept)</source>
        <translation>Beispiel %1 (bleibt)</translation>
    </message>
    <message>
        <source>%1 exact and %2 near duplicates among %3 accepted and edited samples. Nothing is rejected yet: Reject listed samples rejects them (the earliest of each stays).</source>
        <translation>%1 exakte und %2 Beinahe-Duplikate unter %3 angenommenen und bearbeiteten Beispielen. Noch ist nichts abgelehnt: „Aufgelistete Beispiele ablehnen“ lehnt sie ab (das früheste bleibt jeweils).</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>%1 of %2 accepted and edited samples overlap %3 (%4 evaluation texts); they are flagged, not rejected.</source>
        <translation>%1 von %2 angenommenen und bearbeiteten Beispielen überschneiden sich mit %3 (%4 Evaluierungstexte); sie sind markiert, nicht abgelehnt.</translation>
    </message>
    <message>
        <source>The listed samples are rejected already.</source>
        <translation>Die aufgelisteten Beispiele sind bereits abgelehnt.</translation>
    </message>
    <message numerus="yes">
        <source>%1: %n distinct reason(s)</source>
        <translation>
            <numerusform>%1: %n verschiedener Grund</numerusform>
            <numerusform>%1: %n verschiedene Gründe</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>… %n more reason(s): click the kind to list all</source>
        <translation>
            <numerusform>… %n weiterer Grund: klicken Sie auf die Art, um alle aufzulisten</numerusform>
            <numerusform>… %n weitere Gründe: klicken Sie auf die Art, um alle aufzulisten</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Reject %n listed sample(s)</source>
        <translation>
            <numerusform>%n aufgelistetes Beispiel ablehnen</numerusform>
            <numerusform>%n aufgelistete Beispiele ablehnen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n sample(s) rejected</source>
        <translation>
            <numerusform>%n Beispiel abgelehnt</numerusform>
            <numerusform>%n Beispiele abgelehnt</numerusform>
        </translation>
    </message>
    <message>
        <source>No datasets registered in Evaluation</source>
        <translation>Keine Datensätze in der Evaluierung registriert</translation>
    </message>
    <message>
        <source>No samples yet.</source>
        <translation>Noch keine Beispiele.</translation>
    </message>
    <message>
        <source>Run a generation job in Generation, or import samples you already have from a JSONL, CSV or TSV file (query, positive and optionally negative).</source>
        <translation>Starten Sie unter „Generierung“ einen Generierungsauftrag, oder importieren Sie vorhandene Beispiele aus einer JSONL-, CSV- oder TSV-Datei (Anfrage, Positiv und optional Negativ).</translation>
    </message>
    <message>
        <source>Go to Generation</source>
        <translation>Zur Generierung</translation>
    </message>
    <message>
        <source>Import samples...</source>
        <translation>Beispiele importieren...</translation>
    </message>
    <message>
        <source>Import samples</source>
        <translation>Beispiele importieren</translation>
    </message>
    <message>
        <source>Samples (*.jsonl *.json *.csv *.tsv);;All files (*)</source>
        <translation>Beispiele (*.jsonl *.json *.csv *.tsv);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>No samples match these filters.</source>
        <translation>Keine Beispiele passen zu diesen Filtern.</translation>
    </message>
    <message>
        <source>Change the family, language, status, job or search text, or clear the filters.</source>
        <translation>Ändern Sie Familie, Sprache, Status, Auftrag oder Suchtext, oder setzen Sie die Filter zurück.</translation>
    </message>
    <message>
        <source>Clear filters</source>
        <translation>Filter zurücksetzen</translation>
    </message>
    <message>
        <source>Imported %1 of %2 rows from %3 (%4 duplicates skipped, %5 rows with errors)</source>
        <translation>%1 von %2 Zeilen aus %3 importiert (%4 Duplikate übersprungen, %5 Zeilen mit Fehlern)</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>LLM endpoints (OpenAI-compatible: OpenAI, vLLM, llama.cpp server, Ollama, LM Studio)</source>
        <translation>LLM-Endpunkte (OpenAI-kompatibel: OpenAI, vLLM, llama.cpp-Server, Ollama, LM Studio)</translation>
    </message>
    <message>
        <source>API keys are never written to the project or the log: give the name of an environment variable that holds the key (for example OPENAI_API_KEY). Leave it empty for local servers without a key.</source>
        <translation>API-Schlüssel werden nie in das Projekt oder das Protokoll geschrieben: Geben Sie den Namen einer Umgebungsvariablen an, die den Schlüssel enthält (zum Beispiel OPENAI_API_KEY). Für lokale Server ohne Schlüssel leer lassen.</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Base URL</source>
        <translation>Basis-URL</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>API key variable</source>
        <translation>Schlüsselvariable</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>Schlüssel</translation>
    </message>
    <message>
        <source>Add endpoint</source>
        <translation>Endpunkt hinzufügen</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>General</source>
        <translation>Allgemein</translation>
    </message>
    <message>
        <source>all cores (%1)</source>
        <translation>alle Kerne (%1)</translation>
    </message>
    <message>
        <source>Compute threads:</source>
        <translation>Rechen-Threads:</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>Systemsprache</translation>
    </message>
    <message>
        <source>Interface language (after restart):</source>
        <translation>Sprache der Oberfläche (nach Neustart):</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>set</source>
        <translation>gesetzt</translation>
    </message>
    <message>
        <source>not set</source>
        <translation>nicht gesetzt</translation>
    </message>
    <message>
        <source>Endpoint &quot;%1&quot;: the base URL must start with http:// or https://</source>
        <translation>Endpunkt „%1“: Die Basis-URL muss mit http:// oder https:// beginnen</translation>
    </message>
    <message>
        <source>Could not save the settings: %1</source>
        <translation>Die Einstellungen konnten nicht gespeichert werden: %1</translation>
    </message>
    <message>
        <source>Requests/min</source>
        <translation>Anfragen/min</translation>
    </message>
    <message>
        <source>Tokens/min</source>
        <translation>Tokens/min</translation>
    </message>
    <message>
        <source>This endpoint&apos;s own requests per minute (empty = the job&apos;s limit)</source>
        <translation>Eigene Anfragen pro Minute dieses Endpunkts (leer = Limit des Auftrags)</translation>
    </message>
    <message>
        <source>This endpoint&apos;s own tokens per minute (empty = the job&apos;s limit)</source>
        <translation>Eigene Tokens pro Minute dieses Endpunkts (leer = Limit des Auftrags)</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>Verbindung testen</translation>
    </message>
    <message>
        <source>Lists the selected endpoint&apos;s models and sends it one tiny request</source>
        <translation>Listet die Modelle des gewählten Endpunkts auf und sendet ihm eine winzige Anfrage</translation>
    </message>
    <message>
        <source>Endpoint &quot;%1&quot;: requests/min and tokens/min must be empty or a number of 0 or more</source>
        <translation>Endpunkt „%1“: Anfragen/min und Tokens/min müssen leer oder eine Zahl ab 0 sein</translation>
    </message>
    <message>
        <source>Select the endpoint to test.</source>
        <translation>Wählen Sie den zu testenden Endpunkt aus.</translation>
    </message>
    <message>
        <source>Testing %1…</source>
        <translation>%1 wird getestet…</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::TemplateEditor</name>
    <message>
        <source>Error: %1</source>
        <translation>Fehler: %1</translation>
    </message>
    <message>
        <source>Warning: %1</source>
        <translation>Warnung: %1</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::TemplateLexer</name>
    <message>
        <source>Text</source>
        <translation>Text</translation>
    </message>
    <message>
        <source>Header key</source>
        <translation>Kopfzeilen-Schlüssel</translation>
    </message>
    <message>
        <source>Header value</source>
        <translation>Kopfzeilen-Wert</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>Kommentar</translation>
    </message>
    <message>
        <source>Header separator</source>
        <translation>Kopfzeilen-Trenner</translation>
    </message>
    <message>
        <source>Placeholder</source>
        <translation>Platzhalter</translation>
    </message>
    <message>
        <source>Unknown placeholder</source>
        <translation>Unbekannter Platzhalter</translation>
    </message>
    <message>
        <source>Literal brace</source>
        <translation>Literale geschweifte Klammer</translation>
    </message>
    <message>
        <source>Unbalanced brace</source>
        <translation>Unausgeglichene geschweifte Klammer</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::TemplatesArea</name>
    <message>
        <source>Template</source>
        <translation>Vorlage</translation>
    </message>
    <message>
        <source>Ver.</source>
        <translation>Vers.</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>Rückgängig</translation>
    </message>
    <message>
        <source>Undo (Ctrl+Z)</source>
        <translation>Rückgängig (Strg+Z)</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>Wiederholen</translation>
    </message>
    <message>
        <source>Redo (Ctrl+Shift+Z)</source>
        <translation>Wiederholen (Strg+Umschalt+Z)</translation>
    </message>
    <message>
        <source>Find</source>
        <translation>Suchen</translation>
    </message>
    <message>
        <source>Find in the template (Ctrl+F)</source>
        <translation>In der Vorlage suchen (Strg+F)</translation>
    </message>
    <message>
        <source>Revert</source>
        <translation>Zurücksetzen</translation>
    </message>
    <message>
        <source>Discard the edits since the last saved version</source>
        <translation>Änderungen seit der zuletzt gespeicherten Version verwerfen</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Speichern</translation>
    </message>
    <message>
        <source>Save as a new version (Ctrl+S)</source>
        <translation>Als neue Version speichern (Strg+S)</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>Vorschau</translation>
    </message>
    <message>
        <source>Placeholders</source>
        <translation>Platzhalter</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Verlauf</translation>
    </message>
    <message>
        <source>&lt;p&gt;Open or create a project (File menu) to edit its prompt templates.&lt;/p&gt;</source>
        <translation>&lt;p&gt;Öffnen oder erstellen Sie ein Projekt (Menü Datei), um seine Prompt-Vorlagen zu bearbeiten.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;The project&apos;s templates could not be read:&lt;/p&gt;&lt;p&gt;%1&lt;/p&gt;</source>
        <translation>&lt;p&gt;Die Vorlagen des Projekts konnten nicht gelesen werden:&lt;/p&gt;&lt;p&gt;%1&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Family</source>
        <translation>Familie</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Schlüssel</translation>
    </message>
    <message>
        <source>&lt;i&gt;none&lt;/i&gt;</source>
        <translation>&lt;i&gt;keine&lt;/i&gt;</translation>
    </message>
    <message>
        <source>Inputs</source>
        <translation>Eingaben</translation>
    </message>
    <message>
        <source>Instruction</source>
        <translation>Anweisung</translation>
    </message>
    <message>
        <source>About</source>
        <translation>Beschreibung</translation>
    </message>
    <message>
        <source>Save template</source>
        <translation>Vorlage speichern</translation>
    </message>
    <message>
        <source>The template was not saved:
%1</source>
        <translation>Die Vorlage wurde nicht gespeichert:
%1</translation>
    </message>
    <message>
        <source>Saved %1 as version %2</source>
        <translation>%1 als Version %2 gespeichert</translation>
    </message>
    <message>
        <source>%1 is unchanged (version %2)</source>
        <translation>%1 ist unverändert (Version %2)</translation>
    </message>
    <message numerus="yes">
        <source> — %n problem(s) left</source>
        <translation>
            <numerusform> — %n Problem übrig</numerusform>
            <numerusform> — %n Probleme übrig</numerusform>
        </translation>
    </message>
    <message>
        <source>Version %1 is in the editor; Save makes it the latest version</source>
        <translation>Version %1 ist im Editor; Speichern macht sie zur neuesten Version</translation>
    </message>
    <message>
        <source>%1 · v%2 · modified</source>
        <translation>%1 · v%2 · geändert</translation>
    </message>
    <message>
        <source>%1 · v%2</source>
        <translation>%1 · v%2</translation>
    </message>
    <message>
        <source>This template has errors</source>
        <translation>Diese Vorlage enthält Fehler</translation>
    </message>
    <message>
        <source>Templates</source>
        <translation>Vorlagen</translation>
    </message>
    <message>
        <source>Prompt templates with diversity placeholders, and their value pools.</source>
        <translation>Prompt-Vorlagen mit Platzhaltern für Vielfalt und ihre Wertepools.</translation>
    </message>
    <message>
        <source>This project has no templates.</source>
        <translation>Dieses Projekt hat keine Vorlagen.</translation>
    </message>
    <message>
        <source>Templates are the prompts a generation job sends, with placeholders the job fills from value pools. Start from the built-in set (one template per family, editable here), or import a prompts folder of your own.</source>
        <translation>Vorlagen sind die Prompts, die ein Generierungsauftrag sendet, mit Platzhaltern, die der Auftrag aus Wertepools füllt. Beginnen Sie mit dem mitgelieferten Satz (eine Vorlage je Familie, hier bearbeitbar) oder importieren Sie einen eigenen Prompt-Ordner.</translation>
    </message>
    <message>
        <source>Import the built-in templates</source>
        <translation>Mitgelieferte Vorlagen importieren</translation>
    </message>
    <message>
        <source>Import a prompts folder...</source>
        <translation>Prompt-Ordner importieren...</translation>
    </message>
    <message>
        <source>Prompts folder</source>
        <translation>Prompt-Ordner</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::TrainingArea</name>
    <message>
        <source>Start</source>
        <translation>Starten</translation>
    </message>
    <message>
        <source>Start a new run with the settings on the left.</source>
        <translation>Einen neuen Lauf mit den Einstellungen links starten.</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stoppen</translation>
    </message>
    <message>
        <source>Write a checkpoint and stop; Resume continues exactly where it stopped.</source>
        <translation>Einen Checkpoint schreiben und stoppen; Fortsetzen macht genau dort weiter.</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <source>Continue the selected stopped, failed or interrupted run from its newest checkpoint.</source>
        <translation>Den ausgewählten gestoppten, fehlgeschlagenen oder unterbrochenen Lauf ab seinem neuesten Checkpoint fortsetzen.</translation>
    </message>
    <message>
        <source>step %v / %m</source>
        <translation>Schritt %v / %m</translation>
    </message>
    <message>
        <source>Use settings</source>
        <translation>Einstellungen übernehmen</translation>
    </message>
    <message>
        <source>Copy the selected run&apos;s settings into the form on the left.</source>
        <translation>Die Einstellungen des ausgewählten Laufs in das Formular links übernehmen.</translation>
    </message>
    <message>
        <source>Open output folder</source>
        <translation>Ausgabeordner öffnen</translation>
    </message>
    <message>
        <source>Evaluate...</source>
        <translation>Evaluieren...</translation>
    </message>
    <message>
        <source>Evaluate the selected run&apos;s trained model in the Evaluation area.</source>
        <translation>Das trainierte Modell des ausgewählten Laufs im Bereich Evaluierung evaluieren.</translation>
    </message>
    <message>
        <source>Overlay a second run&apos;s curves (dashed) on the selected run&apos;s.</source>
        <translation>Die Kurven eines zweiten Laufs (gestrichelt) über die des ausgewählten Laufs legen.</translation>
    </message>
    <message>
        <source>Compare with</source>
        <translation>Vergleichen mit</translation>
    </message>
    <message>
        <source>Start training</source>
        <translation>Training starten</translation>
    </message>
    <message>
        <source>run %1</source>
        <translation>Lauf %1</translation>
    </message>
    <message>
        <source>live</source>
        <translation>live</translation>
    </message>
    <message>
        <source>Resuming run %1...</source>
        <translation>Lauf %1 wird fortgesetzt...</translation>
    </message>
    <message>
        <source>Loading model and data...</source>
        <translation>Modell und Daten werden geladen...</translation>
    </message>
    <message>
        <source>Stopping: writing a checkpoint...</source>
        <translation>Wird gestoppt: Checkpoint wird geschrieben...</translation>
    </message>
    <message>
        <source>%1 samples/s, ETA %2</source>
        <translation>%1 Beispiele/s, Restzeit %2</translation>
    </message>
    <message>
        <source>Stopped at step %1 of %2 with a checkpoint; Resume continues from there.</source>
        <translation>Bei Schritt %1 von %2 mit Checkpoint gestoppt; Fortsetzen macht dort weiter.</translation>
    </message>
    <message>
        <source>Finished %1 steps, final loss %2. Model written to %3.</source>
        <translation>%1 Schritte abgeschlossen, End-Loss %2. Modell geschrieben nach %3.</translation>
    </message>
    <message>
        <source>done in %1</source>
        <translation>fertig in %1</translation>
    </message>
    <message>
        <source>Training failed: %1</source>
        <translation>Training fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(keine)</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>Training</translation>
    </message>
    <message>
        <source>Contrastive fine-tuning of a backbone into an embedder.</source>
        <translation>Kontrastive Feinabstimmung eines Basismodells zu einem Embedding-Modell.</translation>
    </message>
    <message>
        <source>a run from before run ids</source>
        <translation>ein Lauf aus der Zeit vor Lauf-IDs</translation>
    </message>
    <message>
        <source>its newest checkpoint is %1</source>
        <translation>sein neuester Checkpoint ist %1</translation>
    </message>
    <message>
        <source>it holds a trained model, without checkpoints</source>
        <translation>er enthält ein trainiertes Modell, ohne Checkpoints</translation>
    </message>
    <message>
        <source>%1 holds another training run (%2; %3).</source>
        <translation>%1 enthält einen anderen Trainingslauf (%2; %3).</translation>
    </message>
    <message>
        <source>Resume continues that run from its newest checkpoint with its own settings.</source>
        <translation>Fortsetzen setzt jenen Lauf ab seinem neuesten Checkpoint mit seinen eigenen Einstellungen fort.</translation>
    </message>
    <message>
        <source>Move aside moves the whole folder (checkpoints and model files) to %1 and starts a new run in %2.</source>
        <translation>Beiseiteschieben verschiebt den ganzen Ordner (Checkpoints und Modelldateien) nach %1 und startet einen neuen Lauf in %2.</translation>
    </message>
    <message>
        <source>Resume it</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <source>Move aside, start new</source>
        <translation>Beiseiteschieben, neu starten</translation>
    </message>
    <message>
        <source>Moving the previous run to %1; loading model and data...</source>
        <translation>Der vorige Lauf wird nach %1 verschoben; Modell und Daten werden geladen...</translation>
    </message>
    <message>
        <source>Resuming the run in %1...</source>
        <translation>Der Lauf in %1 wird fortgesetzt...</translation>
    </message>
    <message>
        <source>The previous run is in %1.</source>
        <translation>Der vorige Lauf liegt in %1.</translation>
    </message>
    <message>
        <source>No samples to train on yet.</source>
        <translation>Noch keine Beispiele zum Trainieren.</translation>
    </message>
    <message>
        <source>Training needs accepted samples. Run a generation job in Generation, or import samples you already have in Samples.</source>
        <translation>Das Training braucht angenommene Beispiele. Starten Sie unter „Generierung“ einen Generierungsauftrag, oder importieren Sie vorhandene Beispiele unter „Beispiele“.</translation>
    </message>
    <message>
        <source>Go to Generation</source>
        <translation>Zur Generierung</translation>
    </message>
    <message>
        <source>Go to Samples</source>
        <translation>Zu den Beispielen</translation>
    </message>
    <message>
        <source>Train from a JSONL file</source>
        <translation>Mit einer JSONL-Datei trainieren</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::ModelReference</name>
    <message>
        <source>%1 is not downloaded: it is not in the Hugging Face cache (%2).</source>
        <translation>%1 ist nicht heruntergeladen: nicht im Hugging-Face-Cache (%2).</translation>
    </message>
    <message>
        <source>%1 is only partly in the Hugging Face cache: %2</source>
        <translation>%1 liegt nur teilweise im Hugging-Face-Cache: %2</translation>
    </message>
    <message>
        <source>%1 is neither a model folder nor a Hugging Face repo id (ORG/NAME[@revision]).</source>
        <translation>%1 ist weder ein Modellordner noch eine Hugging-Face-Repo-ID (ORG/NAME[@Revision]).</translation>
    </message>
    <message>
        <source>Download...</source>
        <translation>Herunterladen...</translation>
    </message>
    <message>
        <source>%1 from the Hugging Face cache (revision %2)</source>
        <translation>%1 aus dem Hugging-Face-Cache (Revision %2)</translation>
    </message>
    <message>
        <source>Loading model %1...</source>
        <translation>Modell %1 wird geladen...</translation>
    </message>
    <message>
        <source>Loading model %1 (%2)... %3 (%4%)</source>
        <translation>Modell %1 wird geladen (%2)... %3 (%4 %)</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::evalsettings</name>
    <message>
        <source>run %1</source>
        <translation>Lauf %1</translation>
    </message>
    <message>
        <source>step %1</source>
        <translation>Schritt %1</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::MtebTaskDialog</name>
    <message>
        <source>Downloading %1: %2 (%3)</source>
        <translation>Lade %1: %2 (%3)</translation>
    </message>
    <message>
        <source>Cancelling...</source>
        <translation>Wird abgebrochen...</translation>
    </message>
    <message numerus="yes">
        <source>Added %n task(s) to the dataset list.</source>
        <translation>
            <numerusform>%n Aufgabe zur Datensatzliste hinzugefügt.</numerusform>
            <numerusform>%n Aufgaben zur Datensatzliste hinzugefügt.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Added %1 (%n item(s))</source>
        <translation>
            <numerusform>%1 hinzugefügt (%n Eintrag)</numerusform>
            <numerusform>%1 hinzugefügt (%n Einträge)</numerusform>
        </translation>
    </message>
    <message>
        <source>Cancelled. What was downloaded of %1 is kept; adding it again resumes the download.</source>
        <translation>Abgebrochen. Was von %1 schon geladen wurde, bleibt erhalten; erneutes Hinzufügen setzt den Download fort.</translation>
    </message>
    <message>
        <source>Looking for %1...</source>
        <translation>Suche %1...</translation>
    </message>
    <message>
        <source>Pick one or more tasks in the list.</source>
        <translation>Wählen Sie eine oder mehrere Aufgaben in der Liste.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an MTEB task synthembed knows.</source>
        <translation>„%1“ ist keine MTEB-Aufgabe, die synthembed kennt.</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>Herunterladen</translation>
    </message>
    <message>
        <source>In the cache</source>
        <translation>Im Cache</translation>
    </message>
    <message>
        <source>Cancel download</source>
        <translation>Download abbrechen</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Hinzufügen</translation>
    </message>
    <message>
        <source>Tasks are kept in the Hugging Face cache (%1) as datasets--mteb--NAME; what is there is not downloaded again.</source>
        <translation>Aufgaben liegen im Hugging-Face-Cache (%1) als datasets--mteb--NAME; was dort ist, wird nicht erneut geladen.</translation>
    </message>
    <message>
        <source>%1 at revision %2; main score %3 on the %4 split</source>
        <translation>%1 in Revision %2; Hauptmetrik %3 auf dem Split %4</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Hub repo</source>
        <translation>Hub-Repo</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>Aufgabe</translation>
    </message>
    <message>
        <source>The MTEB tasks synthembed evaluates, by name. Pick one or more and press Add: a task in the Hugging Face cache is added at once, another is downloaded from the hub first (its mteb/... dataset repo, at the revision MTEB uses).</source>
        <translation>Die MTEB-Aufgaben, die synthembed evaluiert, nach Namen. Wählen Sie eine oder mehrere und klicken Sie auf Hinzufügen: Eine Aufgabe im Hugging-Face-Cache wird sofort hinzugefügt, eine andere zuerst vom Hub geladen (ihr mteb/...-Datensatz-Repo in der Revision, die MTEB verwendet).</translation>
    </message>
    <message>
        <source>Add MTEB tasks</source>
        <translation>MTEB-Aufgaben hinzufügen</translation>
    </message>
    <message>
        <source>Bitext mining</source>
        <translation>Bitext-Mining</translation>
    </message>
    <message>
        <source>Summarization</source>
        <translation>Zusammenfassung</translation>
    </message>
    <message>
        <source>Reranking</source>
        <translation>Reranking</translation>
    </message>
    <message>
        <source>Pair classification</source>
        <translation>Paarklassifikation</translation>
    </message>
    <message>
        <source>Clustering</source>
        <translation>Clustering</translation>
    </message>
    <message>
        <source>Classification</source>
        <translation>Klassifikation</translation>
    </message>
    <message>
        <source>STS</source>
        <translation>STS</translation>
    </message>
    <message>
        <source>Retrieval</source>
        <translation>Retrieval</translation>
    </message>
</context>
</TS>
