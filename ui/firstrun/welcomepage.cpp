// SPDX-License-Identifier: GPL-3.0-or-later
#include "welcomepage.h"

#include "verify/signingsecret.h"

#include <QClipboard>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHostAddress>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QTimer>
#include <QVBoxLayout>

namespace mm {

namespace {
QLabel *heading(const QString &text, qreal scale, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    QFont font = label->font();
    font.setBold(true);
    font.setPointSizeF(font.pointSizeF() * scale);
    label->setFont(font);
    label->setWordWrap(true);
    return label;
}

// The URL a local tunnel should forward to: loopback when listening on every interface.
QUrl localTarget(QUrl url)
{
    const QHostAddress host(url.host());
    if (host == QHostAddress::AnyIPv4 || host == QHostAddress::AnyIPv6 || host == QHostAddress::Any)
        url.setHost(QStringLiteral("127.0.0.1"));
    return url;
}
} // namespace

WelcomePage::WelcomePage(QWidget *parent)
    : QWidget(parent)
{
    auto *content = new QWidget;
    // Lines of a readable length, however wide the window.
    content->setMaximumWidth(fontMetrics().averageCharWidth() * 90);
    auto *layout = new QVBoxLayout(content);
    const int gap = fontMetrics().height();
    layout->setSpacing(gap / 2);

    layout->addWidget(heading(tr("Connect Migration Monitor to Anon"), 1.6, content));
    layout->addWidget(paragraph(
        tr("Anon reports each data migration to a webhook endpoint. Three steps point it at this app.")));

    layout->addSpacing(gap);
    layout->addWidget(heading(tr("1. Give Anon a URL to deliver to"), 1.15, content));
    m_urlLabel = paragraph(QString());
    m_urlLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_urlLabel);
    m_status = paragraph(QString());
    m_status->setTextFormat(Qt::PlainText);
    m_status->hide();
    layout->addWidget(m_status);
    layout->addWidget(
        paragraph(tr("Anon's servers cannot reach this computer directly. For a public HTTPS URL, "
                     "run one of these in a terminal and leave it running:")));
    layout->addWidget(commandRow(&m_svix, QStringLiteral("svix")));
    layout->addWidget(paragraph(
        tr("Svix CLI relay: enter the URL it prints (https://play.svix.com/in/…) as the endpoint URL.")));
    layout->addWidget(commandRow(&m_cloudflared, QStringLiteral("cloudflared")));
    m_cloudflaredHint = paragraph(QString());
    layout->addWidget(m_cloudflaredHint);

    layout->addSpacing(gap);
    layout->addWidget(heading(tr("2. Copy the endpoint's signing secret"), 1.15, content));
    layout->addWidget(paragraph(tr("In the Anon dashboard, open <b>Webhooks</b> → your endpoint → <b>Signing "
                                   "secret</b>, reveal it and copy it. It starts with <tt>whsec_</tt>.")));

    layout->addSpacing(gap);
    layout->addWidget(heading(tr("3. Paste it here"), 1.15, content));
    m_connection = paragraph(QString());
    m_connection->setObjectName(QStringLiteral("connectionStatus"));
    m_connection->setTextFormat(Qt::PlainText);
    m_connection->hide();
    layout->addWidget(m_connection);
    m_secret = new QLineEdit(content);
    m_secret->setObjectName(QStringLiteral("secretInput"));
    m_secret->setEchoMode(QLineEdit::Password);
    m_secret->setPlaceholderText(tr("whsec_…"));
    m_secret->setAccessibleName(tr("Signing secret"));
    auto *save = new QPushButton(tr("&Save and start receiving"), content);
    save->setObjectName(QStringLiteral("saveSecret"));
    save->setDefault(true);
    connect(save, &QPushButton::clicked, this, &WelcomePage::submit);
    connect(m_secret, &QLineEdit::returnPressed, this, &WelcomePage::submit);
    auto *secretRow = new QHBoxLayout;
    secretRow->addWidget(m_secret, 1);
    secretRow->addWidget(save);
    layout->addLayout(secretRow);
    m_error = paragraph(QString());
    m_error->setObjectName(QStringLiteral("error"));
    m_error->setTextFormat(Qt::PlainText);
    QFont bold = m_error->font();
    bold.setBold(true);
    m_error->setFont(bold);
    m_error->hide();
    layout->addWidget(m_error);
    layout->addWidget(
        paragraph(tr("It is kept in your desktop's keyring (without one, in a file only you can "
                     "read), never in the settings file. More secrets (for rotation) can be added "
                     "in File → Settings….")));

    layout->addSpacing(gap);
    auto *demo = new QPushButton(tr("Try the &demo"), content);
    demo->setObjectName(QStringLiteral("tryDemo"));
    connect(demo, &QPushButton::clicked, this, &WelcomePage::demoRequested);
    auto *settings = new QPushButton(tr("Se&ttings…"), content);
    connect(settings, &QPushButton::clicked, this, &WelcomePage::settingsRequested);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(demo);
    buttons->addWidget(settings);
    buttons->addStretch(1);
    layout->addLayout(buttons);
    layout->addWidget(
        paragraph(tr("The demo opens a second window fed by a simulated sender; nothing from it "
                     "is saved.")));
    layout->addStretch(1);

    auto *centred = new QWidget;
    auto *centring = new QHBoxLayout(centred);
    centring->addStretch(1);
    centring->addWidget(content, 100);
    centring->addStretch(1);
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(centred);
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(scroll);

    setListenUrl(QUrl(QStringLiteral("http://127.0.0.1:8787/webhooks")));
    setFocusProxy(m_secret);
}

QLabel *WelcomePage::paragraph(const QString &text)
{
    auto *label = new QLabel(text);
    label->setWordWrap(true);
    label->setTextFormat(Qt::RichText);
    return label;
}

QWidget *WelcomePage::commandRow(QLineEdit **field, const QString &name)
{
    auto *row = new QWidget;
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *edit = new QLineEdit(row);
    edit->setObjectName(name + QStringLiteral("Command"));
    edit->setReadOnly(true);
    edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    auto *copy = new QPushButton(tr("Copy"), row);
    copy->setObjectName(QStringLiteral("copy-") + name);
    copy->setAccessibleName(tr("Copy the %1 command").arg(name));
    connect(copy, &QPushButton::clicked, this, [edit, copy] {
        QGuiApplication::clipboard()->setText(edit->text());
        copy->setText(tr("Copied"));
        QTimer::singleShot(1500, copy, [copy] { copy->setText(tr("Copy")); });
    });
    layout->addWidget(edit, 1);
    layout->addWidget(copy);
    *field = edit;
    return row;
}

void WelcomePage::setListenUrl(const QUrl &url)
{
    m_url = url;
    const QUrl target = localTarget(url);
    m_urlLabel->setText(tr("This app listens on <b>%1</b>, which only this computer can reach.")
                            .arg(url.toString().toHtmlEscaped()));
    m_svix->setText(QStringLiteral("svix listen ") + target.toString());
    QUrl origin = target;
    origin.setPath(QString());
    QString cloudflared = QStringLiteral("cloudflared tunnel --url ") + origin.toString();
    if (origin.scheme() == QLatin1String("https"))
        cloudflared += QStringLiteral(" --no-tls-verify"); // a self-signed local certificate is the norm
    m_cloudflared->setText(cloudflared);
    m_cloudflaredHint->setText(tr("Cloudflare quick tunnel: enter the https://….trycloudflare.com URL it "
                                  "prints followed by <b>%1</b>.")
                                   .arg(url.path().toHtmlEscaped()));
}

void WelcomePage::setReceiverStatus(const QString &text)
{
    m_status->setText(text);
    m_status->setVisible(!text.isEmpty());
}

void WelcomePage::setConnectionStatus(const QString &text)
{
    m_connection->setText(text);
    m_connection->setVisible(!text.isEmpty());
}

QString WelcomePage::connectionStatus() const
{
    return m_connection->isHidden() ? QString() : m_connection->text();
}

void WelcomePage::setError(const QString &text)
{
    m_error->setText(text);
    m_error->setVisible(!text.isEmpty());
}

QString WelcomePage::error() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

QString WelcomePage::svixCommand() const
{
    return m_svix->text();
}

QString WelcomePage::cloudflaredCommand() const
{
    return m_cloudflared->text();
}

void WelcomePage::submit()
{
    const QString text = m_secret->text().trimmed();
    QString why;
    if (!SigningSecret::parse(text, &why)) {
        setError(why);
        m_secret->setFocus();
        return;
    }
    setError(QString());
    Q_EMIT secretSubmitted(text);
}

} // namespace mm
