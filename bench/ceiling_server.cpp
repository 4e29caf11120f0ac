// SPDX-License-Identifier: GPL-3.0-or-later
// The ceiling for bench_receiver.sh: a bare Qt 6.4 QHttpServer route on its own thread
// that only verifies the HMAC and answers 200. No guard, no parsing, no store.
//
// Run: build/bench/ceiling_server PORT   (secret from MIGRATION_MONITOR_SECRETS)
#include "verify/verifier.h"

#include <QCoreApplication>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QThread>
#include <cstdio>
#include <memory>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const quint16 port = argc > 1 ? quint16(std::atoi(argv[1])) : 0;
    const auto secret = mm::SigningSecret::parse(qEnvironmentVariable("MIGRATION_MONITOR_SECRETS").trimmed());
    if (!secret) {
        std::fprintf(stderr, "set MIGRATION_MONITOR_SECRETS\n");
        return 2;
    }
    QThread thread;
    thread.setObjectName(QStringLiteral("ceiling-http"));
    thread.start();
    QObject context;
    context.moveToThread(&thread);
    std::unique_ptr<QHttpServer> server;
    quint16 bound = 0;
    QMetaObject::invokeMethod(
        &context,
        [&] {
            server = std::make_unique<QHttpServer>();
            auto verifier = std::make_shared<mm::Verifier>(QList<mm::SigningSecret> {*secret});
            server->route(
                QStringLiteral("/webhooks"), QHttpServerRequest::Method::Post,
                [verifier](const QHttpServerRequest &request) {
                    const mm::Verdict v = verifier->verify(
                        [&request](QByteArrayView name) { return request.value(name.toByteArray()); },
                        request.body());
                    return QHttpServerResponse(v.accepted() ? QHttpServerResponder::StatusCode::Ok
                                                            : QHttpServerResponder::StatusCode::Unauthorized);
                });
            bound = server->listen(QHostAddress::LocalHost, port);
        },
        Qt::BlockingQueuedConnection);
    if (!bound) {
        std::fprintf(stderr, "cannot listen\n");
        return 1;
    }
    std::printf("listening on http://127.0.0.1:%u/webhooks\n", bound);
    std::fflush(stdout);
    const int rc = QCoreApplication::exec();
    QMetaObject::invokeMethod(
        &context, [&] { server.reset(); }, Qt::BlockingQueuedConnection);
    thread.quit();
    thread.wait();
    return rc;
}
