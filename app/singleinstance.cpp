// SPDX-License-Identifier: GPL-3.0-or-later
#include "singleinstance.h"

#include <QDBusAbstractAdaptor>
#include <QDBusArgument>
#include <QDBusConnectionInterface>
#include <QDBusMessage>
#include <QDBusMetaType>
#include <QDBusVariant>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QLocalServer>
#include <QLocalSocket>
#include <QMetaMethod>
#include <QStandardPaths>
#include <QThread>
#include <QTimer>

namespace mm {

namespace {
const QString PropertiesInterface = QStringLiteral("org.freedesktop.DBus.Properties");
constexpr int ConnectRetryMs = 2000; // between the holder's lock and its listen

// org.freedesktop.Application, as the Desktop Entry specification defines it ("D-Bus Activation").
class ApplicationAdaptor final : public QDBusAbstractAdaptor
{
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.freedesktop.Application")
    Q_DISABLE_COPY_MOVE(ApplicationAdaptor)

public:
    ApplicationAdaptor(SingleInstance *instance, const QDBusConnection &bus)
        : QDBusAbstractAdaptor(instance)
        , m_instance(instance)
        , m_bus(bus)
    {
    }

public Q_SLOTS:
    void Activate(const QVariantMap &platformData) { m_instance->requestActivation(platformData); }
    // The desktop entry names no MIME types: there is nothing to open but the window.
    void Open(const QStringList &uris, const QVariantMap &platformData, const QDBusMessage &message)
    {
        Q_UNUSED(uris)
        Q_UNUSED(platformData)
        refuse(message, QStringLiteral("org.freedesktop.DBus.Error.NotSupported"),
               QStringLiteral("Migration Monitor opens no files; import JSON Lines with File → Import…"));
    }
    // The desktop entry's one action, "demo" (Try the Demo).
    void ActivateAction(const QString &name, const QVariantList &parameter, const QVariantMap &platformData,
                        const QDBusMessage &message)
    {
        Q_UNUSED(parameter)
        if (name == QLatin1String("demo")) {
            m_instance->requestDemo(platformData);
            return;
        }
        refuse(message, QStringLiteral("org.freedesktop.DBus.Error.InvalidArgs"),
               QStringLiteral("Migration Monitor has no action named \"%1\"").arg(name));
    }

private:
    void refuse(const QDBusMessage &message, const QString &error, const QString &text)
    {
        message.setDelayedReply(true);
        m_bus.send(message.createErrorReply(error, text));
    }

    SingleInstance *m_instance;
    QDBusConnection m_bus;
};

// What the running window is, for a second launch to say what it did not apply.
class StateAdaptor final : public QDBusAbstractAdaptor
{
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "io.github.anon.MigrationMonitor.Instance")
    Q_PROPERTY(bool Demo READ demo)
    Q_PROPERTY(bool ViewOnly READ viewOnly)
    Q_DISABLE_COPY_MOVE(StateAdaptor)

public:
    explicit StateAdaptor(SingleInstance *instance)
        : QDBusAbstractAdaptor(instance)
        , m_instance(instance)
    {
    }
    bool demo() const { return m_instance->state().demo; }
    bool viewOnly() const { return m_instance->state().viewOnly; }

private:
    SingleInstance *m_instance;
};

// a{sv} values arrive wrapped or not, depending on who sent them.
QVariantMap unwrapped(const QVariantMap &map)
{
    QVariantMap out;
    for (auto it = map.cbegin(); it != map.cend(); ++it)
        out.insert(it.key(),
                   it->canConvert<QDBusVariant>() ? qvariant_cast<QDBusVariant>(*it).variant() : *it);
    return out;
}
} // namespace

QVariantMap launchPlatformData()
{
    QVariantMap data;
    if (const QString id = qEnvironmentVariable("DESKTOP_STARTUP_ID"); !id.isEmpty())
        data.insert(QStringLiteral("desktop-startup-id"), id);
    if (const QString token = qEnvironmentVariable("XDG_ACTIVATION_TOKEN"); !token.isEmpty())
        data.insert(QStringLiteral("activation-token"), token);
    return data;
}

SingleInstance::SingleInstance(const QString &name, const InstanceState &state, QObject *parent)
    : QObject(parent)
    , m_name(name)
    , m_state(state)
    , m_bus(QDBusConnection::sessionBus())
{
}

SingleInstance::~SingleInstance()
{
    if (m_onBus) {
        m_bus.unregisterService(m_name);
        m_bus.unregisterObject(ObjectPath);
    }
    delete m_server; // removes its socket file before the lock goes
}

QString SingleInstance::socketPath() const
{
    const QString runtime = QStandardPaths::writableLocation(QStandardPaths::RuntimeLocation);
    return runtime.isEmpty() ? QString() : QDir(runtime).filePath(m_name);
}

SingleInstance::Claim SingleInstance::claim(const LaunchRequest &request)
{
    if (m_bus.isConnected()) {
        Claim onBus = claimOnBus(request);
        if (onBus.outcome != Outcome::Unavailable)
            return onBus;
        qWarning("migration-monitor: %s; trying a local socket", qPrintable(onBus.problem));
    }
    return claimLocally(request);
}

SingleInstance::Claim SingleInstance::claimOnBus(const LaunchRequest &request)
{
    Claim c;
    c.how = QStringLiteral("D-Bus");
    // The object first: a launch that finds the name taken must find the object behind it.
    new ApplicationAdaptor(this, m_bus);
    new StateAdaptor(this);
    if (!m_bus.registerObject(ObjectPath, this, QDBusConnection::ExportAdaptors)) {
        c.problem = QStringLiteral("cannot register %1 on the session bus").arg(ObjectPath);
        return c;
    }
    const QDBusReply<QDBusConnectionInterface::RegisterServiceReply> reply
        = m_bus.interface()->registerService(m_name, QDBusConnectionInterface::DontQueueService,
                                             QDBusConnectionInterface::DontAllowReplacement);
    if (reply.isValid() && reply.value() == QDBusConnectionInterface::ServiceRegistered) {
        m_onBus = true;
        c.outcome = Outcome::Primary;
        return c;
    }
    m_bus.unregisterObject(ObjectPath);
    if (!reply.isValid()) {
        c.problem
            = QStringLiteral("cannot own %1 on the session bus: %2").arg(m_name, reply.error().message());
        return c;
    }
    // Taken: its holder answers for this store.
    QDBusMessage getAll
        = QDBusMessage::createMethodCall(m_name, ObjectPath, PropertiesInterface, QStringLiteral("GetAll"));
    getAll << StateInterface;
    const QDBusMessage state = m_bus.call(getAll, QDBus::Block, AnswerTimeoutMs);
    if (state.type() != QDBusMessage::ReplyMessage || state.arguments().isEmpty()) {
        c.outcome = Outcome::Unanswered;
        c.problem = QStringLiteral("%1 is held on the session bus, but its holder did not answer: %2")
                        .arg(m_name, state.errorMessage());
        return c;
    }
    const QVariantMap properties = qdbus_cast<QVariantMap>(state.arguments().constFirst());
    c.running = {properties.value(QStringLiteral("Demo")).toBool(),
                 properties.value(QStringLiteral("ViewOnly")).toBool()};
    if (!request.minimized) {
        QDBusMessage activate = QDBusMessage::createMethodCall(m_name, ObjectPath, ApplicationInterface,
                                                               QStringLiteral("Activate"));
        activate << launchPlatformData();
        const QDBusMessage answer = m_bus.call(activate, QDBus::Block, AnswerTimeoutMs);
        if (answer.type() != QDBusMessage::ReplyMessage) {
            c.outcome = Outcome::Unanswered;
            c.problem = QStringLiteral("the window holding %1 did not come to the front: %2")
                            .arg(m_name, answer.errorMessage());
            return c;
        }
    }
    c.outcome = Outcome::Activated;
    return c;
}

SingleInstance::Claim SingleInstance::claimLocally(const LaunchRequest &request)
{
    Claim c;
    c.how = QStringLiteral("local socket");
    const QString path = socketPath();
    if (path.isEmpty()) {
        c.problem = QStringLiteral("no session bus and no runtime folder");
        return c;
    }
    // The lock says who holds the name; one whose process is gone is taken over at once.
    m_lock = std::make_unique<QLockFile>(path + QStringLiteral(".lock"));
    m_lock->setStaleLockTime(0); // never stale by age: a window runs for weeks
    if (m_lock->tryLock(0)) {
        QLocalServer::removeServer(path); // a socket left by a window that crashed
        m_server = new QLocalServer;
        m_server->setSocketOptions(QLocalServer::UserAccessOption);
        if (!m_server->listen(path)) {
            c.problem = QStringLiteral("cannot listen on %1: %2").arg(path, m_server->errorString());
            delete m_server;
            m_server = nullptr;
            m_lock.reset();
            return c;
        }
        connect(m_server, &QLocalServer::newConnection, this, [this] {
            while (QLocalSocket *socket = m_server->nextPendingConnection())
                serve(socket);
        });
        c.outcome = Outcome::Primary;
        return c;
    }
    if (m_lock->error() != QLockFile::LockFailedError) {
        c.problem = QStringLiteral("cannot create %1.lock").arg(path);
        m_lock.reset();
        return c;
    }
    m_lock.reset();
    // Held by a live process. It listens right after taking the lock, and nothing signals that to
    // another process, so a launch racing it tries again for a moment.
    QLocalSocket socket;
    QElapsedTimer clock;
    clock.start();
    for (;;) {
        socket.connectToServer(path);
        if (socket.waitForConnected(1000))
            break;
        if (clock.elapsed() > ConnectRetryMs) {
            c.outcome = Outcome::Unanswered;
            c.problem = QStringLiteral("%1 is held by a running process, but it does not answer on %2: %3")
                            .arg(m_name, path, socket.errorString());
            return c;
        }
        QThread::msleep(50);
    }
    socket.write(encodeRequest(
        {request.minimized ? QStringLiteral("State") : QStringLiteral("Activate"), launchPlatformData()}));
    QByteArray answer;
    clock.restart();
    while (!answer.contains('\n') && answer.size() < MaxLocalLine && clock.elapsed() < AnswerTimeoutMs
           && socket.state() == QLocalSocket::ConnectedState) {
        socket.waitForReadyRead(int(AnswerTimeoutMs - clock.elapsed()));
        answer += socket.readAll();
    }
    answer += socket.readAll();
    const auto state = decodeState(answer.left(answer.indexOf('\n') + 1));
    if (!state) {
        c.outcome = Outcome::Unanswered;
        c.problem = QStringLiteral("the window holding %1 did not answer on %2").arg(m_name, path);
        return c;
    }
    c.running = *state;
    c.outcome = Outcome::Activated;
    return c;
}

void SingleInstance::serve(QLocalSocket *socket)
{
    connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
    // A peer that says nothing is not kept.
    QTimer::singleShot(AnswerTimeoutMs, socket, [socket] { socket->abort(); });
    auto buffer = std::make_shared<QByteArray>();
    connect(socket, &QLocalSocket::readyRead, this, [this, socket, buffer] {
        *buffer += socket->readAll();
        const qsizetype end = buffer->indexOf('\n');
        if (end < 0) {
            if (buffer->size() > MaxLocalLine)
                socket->abort();
            return;
        }
        const auto request = decodeRequest(buffer->left(end + 1));
        buffer->clear();
        if (!request) {
            socket->abort();
            return;
        }
        socket->write(encodeState(m_state));
        socket->disconnectFromServer(); // after what was written has gone
        if (request->method == QLatin1String("Activate"))
            requestActivation(request->platformData);
    });
}

void SingleInstance::requestActivation(const QVariantMap &platformData)
{
    if (isSignalConnected(QMetaMethod::fromSignal(&SingleInstance::activationRequested)))
        Q_EMIT activationRequested(unwrapped(platformData));
    else
        m_pending = unwrapped(platformData); // the window is still being built
    if (std::exchange(m_awaitingFirstCall, false))
        Q_EMIT firstCallArrived();
}

void SingleInstance::requestDemo(const QVariantMap &platformData)
{
    if (m_awaitingFirstCall) {
        m_firstCall = FirstCall::Demo; // started by the bus for this: it runs as the demo
    } else if (!m_state.demo) {
        Q_EMIT notApplied(tr("Try the Demo: the demo does not run beside this window. Quit (File → Quit), "
                             "then choose Try the Demo again."));
    }
    requestActivation(platformData);
}

SingleInstance::FirstCall SingleInstance::waitForFirstCall(int timeoutMs)
{
    m_awaitingFirstCall = true;
    m_firstCall = FirstCall::Activate;
    QEventLoop loop;
    connect(this, &SingleInstance::firstCallArrived, &loop, &QEventLoop::quit);
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    if (m_awaitingFirstCall)
        loop.exec();
    m_awaitingFirstCall = false;
    return m_firstCall;
}

void SingleInstance::deliverPendingActivation()
{
    if (m_pending)
        Q_EMIT activationRequested(*std::exchange(m_pending, std::nullopt));
}

} // namespace mm

#include "singleinstance.moc"
