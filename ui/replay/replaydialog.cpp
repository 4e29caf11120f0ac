// SPDX-License-Identifier: GPL-3.0-or-later
#include "replaydialog.h"

#include "model/replayresultsmodel.h"
#include "replayhistorypage.h"
#include "replayresultsview.h"
#include "replaytext.h"
#include "secretpicker.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace mm {

namespace {
QLabel *hint(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setWordWrap(true);
    label->setForegroundRole(QPalette::PlaceholderText);
    return label;
}
} // namespace

ReplayDialog::ReplayDialog(const ReplaySessionFactory &factory, QWidget *parent)
    : QDialog(parent)
    , m_session(factory(this))
{
    Q_ASSERT(m_session);
    setWindowTitle(tr("Replay deliveries"));
    m_results = new ReplayResultsModel(this);
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("replayTabs"));
    m_tabs->addTab(createReplayPage(), tr("&Replay"));
    m_history = new ReplayHistoryPage(m_session, m_tabs);
    m_tabs->addTab(m_history, tr("&History"));
    connect(m_tabs, &QTabWidget::currentChanged, this, [this](int index) {
        if (index == HistoryPage)
            m_history->refresh();
    });

    m_start = new QPushButton(tr("&Start"), this);
    m_start->setObjectName(QStringLiteral("start"));
    m_start->setDefault(true);
    m_cancel = new QPushButton(tr("&Cancel replay"), this);
    m_cancel->setObjectName(QStringLiteral("cancel"));
    m_cancel->setToolTip(tr("Stops what is in flight; the rest is recorded as cancelled."));
    m_close = new QPushButton(tr("Close"), this);
    m_close->setToolTip(tr("Closing while a replay runs cancels it first."));
    auto *buttons = new QDialogButtonBox(this);
    buttons->addButton(m_start, QDialogButtonBox::ActionRole);
    buttons->addButton(m_cancel, QDialogButtonBox::ActionRole);
    buttons->addButton(m_close, QDialogButtonBox::RejectRole);
    connect(m_start, &QPushButton::clicked, this, &ReplayDialog::start);
    connect(m_cancel, &QPushButton::clicked, this, &ReplayDialog::cancel);
    connect(m_close, &QPushButton::clicked, this, &ReplayDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_tabs, 1);
    layout->addWidget(buttons);

    connect(m_session, &ReplaySession::started, this, &ReplayDialog::onStarted);
    connect(m_session, &ReplaySession::progress, this, &ReplayDialog::onProgress);
    connect(m_session, &ReplaySession::resultReady, this, &ReplayDialog::onResult);
    connect(m_session, &ReplaySession::finished, this, &ReplayDialog::onFinished);
    connect(m_session, &ReplaySession::failed, this, &ReplayDialog::onFailed);
    connect(m_session, &ReplaySession::runRecorded, this, [this](qint64 runId) { m_runId = runId; });
    connect(m_session, &ReplaySession::historyProblem, this, [this](const QString &why) {
        m_historyProblem = tr("The replay history could not be written: %1").arg(why);
    });
    const int em = fontMetrics().horizontalAdvance(u'x');
    resize(em * 130, fontMetrics().height() * 42);
    updateControls();
}

QWidget *ReplayDialog::createReplayPage()
{
    auto *page = new QWidget(this);
    m_form = new QWidget(page);
    auto *form = new QFormLayout(m_form);
    form->setContentsMargins(0, 0, 0, 0);

    m_scope = new QComboBox(m_form);
    m_scope->setObjectName(QStringLiteral("scope"));
    m_scope->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_target = new QLineEdit(m_form);
    m_target->setObjectName(QStringLiteral("target"));
    m_target->setPlaceholderText(QStringLiteral("http://127.0.0.1:3000/webhooks"));
    m_target->setClearButtonEnabled(true);
    connect(m_target, &QLineEdit::textEdited, this, [this] { showError(QString()); });

    auto *headers = new QWidget(m_form);
    auto *headersLayout = new QVBoxLayout(headers);
    headersLayout->setContentsMargins(0, 0, 0, 0);
    m_resign = new QRadioButton(tr("Si&gned now with:"), headers);
    m_resign->setObjectName(QStringLiteral("resign"));
    m_resign->setChecked(true);
    m_secret = new SecretPicker(headers);
    m_secret->setObjectName(QStringLiteral("secretPicker"));
    auto *resignRow = new QHBoxLayout;
    resignRow->addWidget(m_resign);
    resignRow->addWidget(m_secret, 1);
    m_newIds = new QCheckBox(
        tr("&New message ids (the receiver sees new deliveries, not repeats it may skip)"), headers);
    m_newIds->setObjectName(QStringLiteral("newIds"));
    m_asReceived = new QRadioButton(
        tr("As rec&eived: the original svix-id, svix-timestamp and svix-signature"), headers);
    m_asReceived->setObjectName(QStringLiteral("asReceived"));
    headersLayout->addLayout(resignRow);
    const int indent = m_resign->sizeHint().height();
    auto *newIdsRow = new QHBoxLayout;
    newIdsRow->addSpacing(indent);
    newIdsRow->addWidget(m_newIds, 1);
    headersLayout->addLayout(newIdsRow);
    headersLayout->addWidget(m_asReceived);
    headersLayout->addWidget(hint(tr("A Svix verifier refuses a signature more than 5 minutes old, so a "
                                     "delivery sent as received is accepted only soon after it arrived. "
                                     "Signing now uses the receiving service's secret and the current time. "
                                     "Imported deliveries have no original signature: sign them now."),
                                  headers));
    connect(m_resign, &QRadioButton::toggled, this, &ReplayDialog::updateControls);

    auto *pace = new QWidget(m_form);
    auto *paceLayout = new QHBoxLayout(pace);
    paceLayout->setContentsMargins(0, 0, 0, 0);
    m_concurrency = new QSpinBox(pace);
    m_concurrency->setObjectName(QStringLiteral("concurrency"));
    m_concurrency->setRange(1, 64);
    m_concurrency->setValue(4);
    m_concurrency->setSuffix(tr(" at once"));
    m_rate = new QDoubleSpinBox(pace);
    m_rate->setObjectName(QStringLiteral("rate"));
    m_rate->setRange(0, 10000);
    m_rate->setDecimals(1);
    m_rate->setSuffix(tr(" a second"));
    m_rate->setSpecialValueText(tr("no rate limit"));
    m_retries = new QSpinBox(pace);
    m_retries->setObjectName(QStringLiteral("retries"));
    m_retries->setRange(0, 20);
    m_retries->setSpecialValueText(tr("no retries"));
    m_retries->setSuffix(tr(" retries"));
    m_retries->setToolTip(tr("Tries again after no answer or any answer that is not 2xx, as Svix does (the "
                             "same message id each time), waiting 1 s, then 2 s, 4 s…"));
    paceLayout->addWidget(m_concurrency);
    paceLayout->addWidget(m_rate);
    paceLayout->addWidget(m_retries);
    paceLayout->addStretch(1);

    form->addRow(tr("&What:"), m_scope);
    form->addRow(tr("&To:"), m_target);
    form->addRow(tr("Headers:"), headers);
    form->addRow(tr("&Pace:"), pace);

    m_error = new QLabel(page);
    m_error->setObjectName(QStringLiteral("error"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // Both colours set, so it reads the same on light and dark palettes.
    m_error->setStyleSheet(QStringLiteral("background:#f8d7da; color:#842029; padding:4px;"));
    m_error->hide();
    m_progress = new QProgressBar(page);
    m_progress->setObjectName(QStringLiteral("progress"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setTextVisible(true);
    m_progress->hide(); // until a replay starts
    m_status = new QLabel(page);
    m_status->setObjectName(QStringLiteral("status"));
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *progressRow = new QHBoxLayout;
    progressRow->addWidget(m_progress, 1);
    progressRow->addWidget(m_status, 2);

    m_resultsView = new ReplayResultsView(m_results, page);
    auto *layout = new QVBoxLayout(page);
    layout->addWidget(m_form);
    layout->addWidget(m_error);
    layout->addLayout(progressRow);
    layout->addWidget(m_resultsView, 1);
    return page;
}

void ReplayDialog::setScopes(const QList<ReplayScope> &scopes, int current)
{
    if (isRunning())
        return;
    m_scopes = scopes;
    m_scope->clear();
    for (const ReplayScope &s : scopes)
        m_scope->addItem(s.label);
    m_scope->setCurrentIndex(std::clamp(current, 0, int(scopes.size()) - 1));
    updateControls();
}

void ReplayDialog::setSecrets(const QList<SigningSecret> &secrets)
{
    m_secret->setSecrets(secrets);
}

void ReplayDialog::setTarget(const QString &url)
{
    m_target->setText(url);
}

void ReplayDialog::showPage(Page page)
{
    m_tabs->setCurrentIndex(page);
}

bool ReplayDialog::isRunning() const
{
    return m_session->isRunning();
}

QString ReplayDialog::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

QString ReplayDialog::statusText() const
{
    return m_status->text();
}

void ReplayDialog::showError(const QString &text, QWidget *field)
{
    m_error->setText(text);
    m_error->setVisible(!text.isEmpty());
    if (!text.isEmpty())
        m_tabs->setCurrentIndex(ReplayPage);
    if (field)
        field->setFocus();
}

void ReplayDialog::updateControls()
{
    const bool running = isRunning();
    m_form->setEnabled(!running);
    m_secret->setEnabled(m_resign->isChecked());
    m_newIds->setEnabled(m_resign->isChecked());
    m_start->setEnabled(!running && !m_scopes.isEmpty());
    m_start->setDefault(!running);
    m_cancel->setEnabled(running);
}

bool ReplayDialog::start()
{
    if (isRunning())
        return false;
    if (m_scopes.isEmpty() || m_scope->currentIndex() < 0) {
        showError(tr("Nothing is chosen to replay: select deliveries in the event log or a migration on "
                     "the board first."));
        return false;
    }
    const QString text = m_target->text().trimmed();
    ReplayOptions options;
    if (const QString why = replaytext::targetProblem(text, &options.target); !why.isEmpty()) {
        showError(why, m_target);
        return false;
    }
    // The target alone first, so its problem points at its field.
    if (const QString why = options.validate(); !why.isEmpty()) {
        showError(why, m_target);
        return false;
    }
    if (m_resign->isChecked()) {
        QString why;
        options.signing.secret = m_secret->secret(&why);
        if (!options.signing.secret) {
            showError(why, m_secret->problemField());
            return false;
        }
        options.signing.newIds = m_newIds->isChecked();
    }
    options.concurrency = m_concurrency->value();
    options.ratePerSecond = m_rate->value();
    options.retries = m_retries->value();
    QString error;
    m_results->clear();
    m_tally = {};
    m_runId = -1;
    m_historyProblem.clear();
    if (!m_session->start(m_scopes.at(m_scope->currentIndex()).selection, options, &error)) {
        showError(error);
        return false;
    }
    showError(QString());
    m_progress->show();
    m_progress->setRange(0, 0); // busy until the deliveries are read
    m_status->setText(tr("Reading the deliveries to send…"));
    updateControls();
    m_cancel->setFocus();
    Q_EMIT targetUsed(text);
    return true;
}

void ReplayDialog::cancel()
{
    if (!isRunning())
        return;
    m_status->setText(tr("Cancelling…"));
    m_session->cancel();
}

void ReplayDialog::reject()
{
    if (isRunning()) {
        cancel();
        return;
    }
    QDialog::reject();
}

void ReplayDialog::onStarted(int total)
{
    m_progress->setRange(0, total);
    m_progress->setValue(0);
    m_status->setText(replaytext::progressText(0, total, m_tally));
}

void ReplayDialog::onResult(const ReplayResult &result)
{
    m_results->append(result);
    if (result.cancelled)
        ++m_tally.cancelled;
    else if (result.ok())
        ++m_tally.succeeded;
    else
        ++m_tally.failed;
}

void ReplayDialog::onProgress(int done, int total)
{
    m_progress->setValue(done);
    m_status->setText(replaytext::progressText(done, total, m_tally));
}

void ReplayDialog::onFinished(const ReplaySummary &summary)
{
    m_results->publish();
    m_progress->setRange(0, std::max(1, m_results->rowCount()));
    m_progress->setValue(m_progress->maximum());
    QString text = replaytext::summaryText(summary);
    if (m_runId >= 0)
        text += u' ' + tr("Kept in the history as run %1.").arg(m_runId);
    if (!m_historyProblem.isEmpty())
        text += u' ' + m_historyProblem;
    m_status->setText(text);
    updateControls();
    // The first failure is usually what the user wants to read.
    for (int row = 0; row < m_results->rowCount(); ++row) {
        const ReplayResult &r = m_results->result(row);
        if (!r.ok() && !r.cancelled) {
            m_resultsView->selectSourceRow(row);
            break;
        }
    }
    if (m_resultsView->table()->currentIndex().row() < 0 && m_results->rowCount() > 0)
        m_resultsView->selectSourceRow(0);
    m_start->setFocus();
    if (m_tabs->currentIndex() == HistoryPage)
        m_history->refresh();
    Q_EMIT replayFinished(summary);
}

void ReplayDialog::onFailed(const QString &error)
{
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->hide();
    m_status->clear();
    showError(error);
    updateControls();
}

} // namespace mm
