<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de">
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
        <source>Generation</source>
        <translation>Generierung</translation>
    </message>
    <message>
        <source>Jobs that send rendered prompts to an OpenAI-compatible endpoint.</source>
        <translation>Aufträge, die gerenderte Prompts an einen OpenAI-kompatiblen Endpunkt senden.</translation>
    </message>
    <message>
        <source>&lt;p&gt;Here you will build generation jobs (families and their mix, count, seed, endpoint, model, concurrency), see coverage and token estimates before launch, and follow running jobs with progress, request rates, tokens and accepted/rejected counts; pause, resume, cancel.&lt;/p&gt;&lt;p&gt;Endpoints are configured in Settings.&lt;/p&gt;</source>
        <translation>&lt;p&gt;Hier stellen Sie Generierungsaufträge zusammen (Familien und ihre Mischung, Anzahl, Seed, Endpunkt, Modell, Parallelität), sehen vor dem Start Abdeckung und Token-Schätzungen und verfolgen laufende Aufträge mit Fortschritt, Anfrageraten, Tokens und der Zahl angenommener/abgelehnter Beispiele; anhalten, fortsetzen, abbrechen.&lt;/p&gt;&lt;p&gt;Endpunkte werden in den Einstellungen konfiguriert.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Samples</source>
        <translation>Beispiele</translation>
    </message>
    <message>
        <source>The generated training samples: inspect, filter and curate.</source>
        <translation>Die generierten Trainingsbeispiele: prüfen, filtern und kuratieren.</translation>
    </message>
    <message>
        <source>&lt;p&gt;Here you will browse every sample with its prompt, sampled values, raw answer and parsed fields; filter by family, language, status and text; accept, reject or edit; remove duplicates.&lt;/p&gt;</source>
        <translation>&lt;p&gt;Hier sehen Sie jedes Beispiel mit seinem Prompt, den gezogenen Werten, der Rohantwort und den ausgewerteten Feldern; filtern nach Familie, Sprache, Status und Text; annehmen, ablehnen oder bearbeiten; Duplikate entfernen.&lt;/p&gt;</translation>
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
        <source>&lt;p&gt;Here you will configure and run fine-tuning (LoRA or full, InfoNCE with hard negatives, GradCache) on CPU or GPU and watch loss and learning-rate curves live.&lt;/p&gt;</source>
        <translation>&lt;p&gt;Hier konfigurieren und starten Sie die Feinabstimmung (LoRA oder vollständig, InfoNCE mit harten Negativbeispielen, GradCache) auf CPU oder GPU und verfolgen Loss- und Lernratenkurven live.&lt;/p&gt;</translation>
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
        <source>&lt;p&gt;Here you will evaluate models on retrieval, STS, classification, clustering, pair classification, reranking, summarization and bitext tasks, and compare runs with confidence intervals.&lt;/p&gt;</source>
        <translation>&lt;p&gt;Hier evaluieren Sie Modelle auf Retrieval-, STS-, Klassifikations-, Clustering-, Paarklassifikations-, Reranking-, Zusammenfassungs- und Bitext-Aufgaben und vergleichen Läufe mit Konfidenzintervallen.&lt;/p&gt;</translation>
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
        <source>&lt;p&gt;Here you will search an embedding set with a typed query and see neighbours with scores, and explore a 2D map of up to hundreds of thousands of points coloured by family, language or label.&lt;/p&gt;</source>
        <translation>&lt;p&gt;Hier durchsuchen Sie eine Embedding-Menge mit einer eingegebenen Anfrage, sehen die Nachbarn mit ihren Scores und erkunden eine 2D-Karte mit bis zu Hunderttausenden Punkten, eingefärbt nach Familie, Sprache oder Label.&lt;/p&gt;</translation>
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
        <translation>API-Schlüssel-Variable</translation>
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
        <source>Preview</source>
        <translation>Vorschau</translation>
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
        <source>Placeholders</source>
        <translation>Platzhalter</translation>
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
        <source>&lt;p&gt;This project has no templates.&lt;/p&gt;&lt;p&gt;Import a prompts folder with &lt;code&gt;synthembed-cli prompts import DIR --db PROJECT&lt;/code&gt;.&lt;/p&gt;</source>
        <translation>&lt;p&gt;Dieses Projekt hat keine Vorlagen.&lt;/p&gt;&lt;p&gt;Importieren Sie einen Prompt-Ordner mit &lt;code&gt;synthembed-cli prompts import DIR --db PROJECT&lt;/code&gt;.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Preview not updated: %1</source>
        <translation>Vorschau nicht aktualisiert: %1</translation>
    </message>
    <message>
        <source>Seed %1 · value combinations: %2 · ~%3 prompt tokens</source>
        <translation>Seed %1 · Wertkombinationen: %2 · ~%3 Prompt-Tokens</translation>
    </message>
    <message>
        <source>Problems: none</source>
        <translation>Probleme: keine</translation>
    </message>
    <message>
        <source>Problems: %1 error(s), %2 warning(s) — click one to jump to it</source>
        <translation>Probleme: %1 Fehler, %2 Warnung(en) — zum Hinspringen anklicken</translation>
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
</context>
</TS>
