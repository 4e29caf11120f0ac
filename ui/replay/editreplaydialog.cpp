// SPDX-License-Identifier: GPL-3.0-or-later
#include "editreplaydialog.h"

#include "event/deliveryrecord.h"
#include "replaytext.h"
#include "secretpicker.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTextBlock>
#include <QVBoxLayout>

namespace mm {

namespace {
const QString ValidStyle = QStringLiteral("color:#0f5132;");
const QString InvalidStyle = QStringLiteral("background:#f8d7da; color:#842029; padding:2px;");
} // namespace

EditReplayDialog::EditReplayDialog(const ReplaySessionFactory &factory, const DeliveryDetail &detail,
                                   QWidget *parent)
    : QDialog(parent)
    , m_session(factory(this))
    , m_detail(detail)
{
    Q_ASSERT(m_session);
    const QString msgId = QString::fromLatin1(detail.msgId);
    setWindowTitle(tr("Edit and replay %1").arg(msgId));

    auto *intro = new QLabel(tr("Edit the payload of <b>%1</b>, then send it signed now. The store keeps the "
                                "original as it is.")
                                 .arg(msgId.toHtmlEscaped()),
                             this);
    intro->setWordWrap(true);

    m_editor = new QPlainTextEdit(this);
    m_editor->setObjectName(QStringLiteral("payload"));
    m_editor->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_editor->setLineWrapMode(QPlainTextEdit::WidgetWidth); // a compact body is one long line
    m_editor->setTabChangesFocus(false);
    m_editor->setPlainText(QString::fromUtf8(detail.body));
    m_validation = new QLabel(this);
    m_validation->setObjectName(QStringLiteral("validation"));
    m_validation->setWordWrap(true);
    m_validation->setTextFormat(Qt::PlainText);
    m_format = new QPushButton(tr("&Format"), this);
    m_format->setObjectName(QStringLiteral("format"));
    m_format->setToolTip(tr("Indents the JSON. The body is sent exactly as the editor holds it."));
    auto *revert = new QPushButton(tr("Re&vert"), this);
    revert->setObjectName(QStringLiteral("revert"));
    revert->setToolTip(tr("Back to the payload as stored"));
    m_goThere = new QPushButton(tr("&Go to the problem"), this);
    m_goThere->setObjectName(QStringLiteral("goToProblem"));
    connect(m_format, &QPushButton::clicked, this, &EditReplayDialog::format);
    connect(revert, &QPushButton::clicked, this,
            [this] { m_editor->setPlainText(QString::fromUtf8(m_detail.body)); });
    connect(m_goThere, &QPushButton::clicked, this, &EditReplayDialog::goToProblem);
    connect(m_editor, &QPlainTextEdit::textChanged, this, &EditReplayDialog::validate);
    auto *validationRow = new QHBoxLayout;
    validationRow->addWidget(m_validation, 1);
    validationRow->addWidget(m_goThere);
    validationRow->addWidget(m_format);
    validationRow->addWidget(revert);

    auto *form = new QFormLayout;
    m_target = new QLineEdit(this);
    m_target->setObjectName(QStringLiteral("target"));
    m_target->setPlaceholderText(QStringLiteral("http://127.0.0.1:3000/webhooks"));
    m_target->setClearButtonEnabled(true);
    m_secret = new SecretPicker(this);
    m_secret->setObjectName(QStringLiteral("secretPicker"));
    m_keepId = new QCheckBox(
        tr("&Keep the message id %1 (a receiver that skips repeats may ignore it)").arg(msgId), this);
    m_keepId->setObjectName(QStringLiteral("keepId"));
    form->addRow(tr("&To:"), m_target);
    form->addRow(tr("Sign &with:"), m_secret);
    form->addRow(QString(), m_keepId);

    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("error"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(InvalidStyle);
    m_error->hide();

    auto *answer = new QWidget(this);
    auto *answerLayout = new QVBoxLayout(answer);
    answerLayout->setContentsMargins(0, 0, 0, 0);
    m_resultTitle = new QLabel(tr("The answer appears here once sent."), answer);
    m_resultTitle->setObjectName(QStringLiteral("resultTitle"));
    m_resultTitle->setForegroundRole(QPalette::PlaceholderText);
    m_result = new QPlainTextEdit(answer);
    m_result->setObjectName(QStringLiteral("result"));
    m_result->setReadOnly(true);
    m_result->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    answerLayout->addWidget(m_resultTitle);
    answerLayout->addWidget(m_result, 1);

    auto *editorPane = new QWidget(this);
    auto *editorLayout = new QVBoxLayout(editorPane);
    editorLayout->setContentsMargins(0, 0, 0, 0);
    editorLayout->addWidget(m_editor, 1);
    editorLayout->addLayout(validationRow);
    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(editorPane);
    splitter->addWidget(answer);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);

    m_send = new QPushButton(tr("&Send"), this);
    m_send->setObjectName(QStringLiteral("send"));
    m_send->setAutoDefault(false);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(m_send, QDialogButtonBox::ActionRole);
    connect(buttons, &QDialogButtonBox::rejected, this, &EditReplayDialog::reject);
    connect(m_send, &QPushButton::clicked, this, &EditReplayDialog::send);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(splitter, 1);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(buttons);

    connect(m_session, &ReplaySession::resultReady, this, [this](const ReplayResult &r) {
        m_resultTitle->setForegroundRole(QPalette::WindowText);
        m_resultTitle->setText(
            r.ok() ? tr("Sent: HTTP %1 in %2 ms.").arg(r.status).arg(double(r.latencyUs) / 1000.0, 0, 'f', 1)
                   : tr("Not accepted: %1").arg(r.error.isEmpty() ? tr("HTTP %1").arg(r.status) : r.error));
        m_result->setPlainText(replaytext::resultDetails(r));
        Q_EMIT resultShown(r);
    });
    connect(m_session, &ReplaySession::finished, this, &EditReplayDialog::updateControls);
    connect(m_session, &ReplaySession::failed, this, [this](const QString &why) {
        showError(why);
        updateControls();
    });

    const int em = fontMetrics().horizontalAdvance(u'x');
    resize(em * 110, fontMetrics().height() * 44);
    validate();
    m_editor->setFocus();
}

void EditReplayDialog::setSecrets(const QList<SigningSecret> &secrets)
{
    m_secret->setSecrets(secrets);
}

void EditReplayDialog::setTarget(const QString &url)
{
    m_target->setText(url);
}

QString EditReplayDialog::validationText() const
{
    return m_validation->text();
}

bool EditReplayDialog::canSend() const
{
    return m_send->isEnabled();
}

bool EditReplayDialog::isSending() const
{
    return m_session->isRunning();
}

QString EditReplayDialog::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

QString EditReplayDialog::resultText() const
{
    return m_result->toPlainText();
}

void EditReplayDialog::validate()
{
    const QByteArray body = m_editor->toPlainText().toUtf8();
    const QString problem = replaytext::jsonProblem(body, &m_problemLine, &m_problemColumn);
    m_valid = problem.isEmpty();
    if (m_valid) {
        m_validation->setText(tr("Valid JSON · %1 bytes%2")
                                  .arg(QLocale().toString(qlonglong(body.size())),
                                       body == m_detail.body ? tr(" · as stored") : tr(" · edited")));
        m_validation->setStyleSheet(ValidStyle);
    } else {
        m_validation->setText(tr("Not valid JSON, so it cannot be sent. %1").arg(problem));
        m_validation->setStyleSheet(InvalidStyle);
    }
    m_format->setEnabled(m_valid);
    m_goThere->setVisible(!m_valid && m_problemLine > 0);
    updateControls();
}

void EditReplayDialog::updateControls()
{
    m_send->setEnabled(m_valid && !isSending());
    m_send->setToolTip(m_valid ? QString() : m_validation->text());
}

void EditReplayDialog::format()
{
    const QJsonDocument document = QJsonDocument::fromJson(m_editor->toPlainText().toUtf8());
    if (!document.isNull())
        m_editor->setPlainText(QString::fromUtf8(document.toJson(QJsonDocument::Indented)).trimmed());
}

void EditReplayDialog::goToProblem()
{
    if (m_valid || m_problemLine < 1)
        return;
    const QTextBlock block = m_editor->document()->findBlockByNumber(m_problemLine - 1);
    if (!block.isValid())
        return;
    QTextCursor cursor(block);
    cursor.movePosition(QTextCursor::Right, QTextCursor::MoveAnchor,
                        std::min(m_problemColumn - 1, block.length() - 1));
    m_editor->setTextCursor(cursor);
    m_editor->setFocus();
}

void EditReplayDialog::showError(const QString &text, QWidget *field)
{
    m_error->setText(text);
    m_error->setVisible(!text.isEmpty());
    if (field)
        field->setFocus();
}

bool EditReplayDialog::send()
{
    if (!m_valid || isSending())
        return false;
    const QString text = m_target->text().trimmed();
    ReplayOptions options;
    if (const QString why = replaytext::targetProblem(text, &options.target); !why.isEmpty()) {
        showError(why, m_target);
        return false;
    }
    if (const QString why = options.validate(); !why.isEmpty()) {
        showError(why, m_target);
        return false;
    }
    QString why;
    options.signing.secret = m_secret->secret(&why);
    if (!options.signing.secret) {
        showError(why, m_secret->problemField());
        return false;
    }
    options.signing.newIds = !m_keepId->isChecked();
    options.concurrency = 1;

    OutgoingDelivery delivery;
    delivery.body = m_editor->toPlainText().toUtf8();
    // Unchanged, it is the stored delivery again; edited, it is not stored anywhere.
    delivery.rowId = delivery.body == m_detail.body ? m_detail.rowId : 0;
    delivery.msgId = m_detail.msgId;
    const DeliveryRecord parsed = deliveryRecordFromBody(delivery.body);
    delivery.type = parsed.type;
    delivery.migrationId = parsed.migrationId;
    QString error;
    if (!m_session->start(QList<OutgoingDelivery> {delivery}, options, &error)) {
        showError(error);
        return false;
    }
    showError(QString());
    m_resultTitle->setForegroundRole(QPalette::PlaceholderText);
    m_resultTitle->setText(tr("Sending to %1…").arg(options.target.toString(QUrl::RemoveUserInfo)));
    m_result->clear();
    updateControls();
    Q_EMIT targetUsed(text);
    return true;
}

void EditReplayDialog::reject()
{
    if (isSending()) {
        m_session->cancel();
        return;
    }
    QDialog::reject();
}

} // namespace mm
