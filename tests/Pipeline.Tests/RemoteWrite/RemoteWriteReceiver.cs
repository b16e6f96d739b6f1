using System.Net;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pipeline.Grains.RemoteWrite.Protocol;
using Snappier;

namespace Pipeline.Tests.RemoteWrite;

/// <summary>
/// A remote write 1.0 receiver on 127.0.0.1 (Kestrel): <c>POST /api/v1/write</c> bodies are
/// snappy-decompressed (block format) and parsed as <c>prometheus.WriteRequest</c> with the
/// protoc-generated classes, so the sender's hand-written encoding is checked against the schema.
/// Answers 204 like Prometheus; a body that is not snappy+protobuf, or lacks the protocol's
/// headers, gets 400. Tests script faults (<see cref="Fail"/>), hold answers
/// (<see cref="Hold"/>) and require credentials (<see cref="RequireAuthorization"/>).
/// </summary>
internal sealed class RemoteWriteReceiver : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly List<RemoteWriteReceivedRequest> _requests = [];
    private readonly Queue<(int Status, string? RetryAfter)> _faults = new();
    private readonly List<TaskCompletionSource> _waiters = [];
    private WebApplication? _app;
    private TaskCompletionSource? _hold;
    private TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _requiredAuthorization;

    private RemoteWriteReceiver()
    {
    }

    /// <summary>
    /// Starts on a free port of 127.0.0.1; with a certificate it speaks HTTPS and, when
    /// <paramref name="askClientCertificate"/> is set, asks for a client certificate (any is
    /// accepted; its subject is recorded in the <c>x-client-certificate</c> pseudo-header).
    /// </summary>
    public static async Task<RemoteWriteReceiver> StartAsync(X509Certificate2? certificate = null, bool askClientCertificate = false)
    {
        var receiver = new RemoteWriteReceiver();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (certificate is not null)
            {
                listen.UseHttps(https =>
                {
                    https.ServerCertificate = certificate;
                    if (askClientCertificate)
                    {
                        https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
                        https.AllowAnyClientCertificate();
                    }
                });
            }
        }));
        var app = builder.Build();
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        receiver.Uri = new Uri(app.Urls.First());
        receiver._app = app;
        return receiver;
    }

    public Uri Uri { get; private set; } = null!;

    /// <summary>Where remote write requests go.</summary>
    public Uri WriteUrl => new(Uri, "/api/v1/write");

    /// <summary>Every request received, in order of arrival, failed ones included.</summary>
    public IReadOnlyList<RemoteWriteReceivedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>The requests answered 2xx, in order of arrival.</summary>
    public IReadOnlyList<RemoteWriteReceivedRequest> Accepted => [.. Requests.Where(r => r.Status is >= 200 and < 300)];

    /// <summary>Every accepted sample, in order of arrival.</summary>
    public IReadOnlyList<RemoteWriteReceivedSample> Samples =>
    [
        .. Accepted.SelectMany(r => r.Body!.Timeseries.SelectMany(t =>
        {
            var series = string.Join(",", t.Labels.Select(l => $"{l.Name}=\"{l.Value}\""));
            return t.Samples.Select(s => new RemoteWriteReceivedSample(series, s.Timestamp, s.Value));
        })),
    ];

    /// <summary>Answers the next <paramref name="times"/> requests with <paramref name="status"/> (and a <c>Retry-After</c> if given).</summary>
    public void Fail(int status, int times = 1, string? retryAfter = null)
    {
        lock (_gate)
        {
            for (var i = 0; i < times; i++)
            {
                _faults.Enqueue((status, retryAfter));
            }
        }
    }

    /// <summary>Answers 401 unless requests carry exactly this <c>Authorization</c> header.</summary>
    public void RequireAuthorization(string value) => _requiredAuthorization = value;

    /// <summary>Keeps requests waiting for their answer until <see cref="Release"/>; <see cref="Held"/> completes when one is waiting.</summary>
    public void Hold()
    {
        lock (_gate)
        {
            _hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public Task Held
    {
        get
        {
            lock (_gate)
            {
                return _held.Task;
            }
        }
    }

    public void Release()
    {
        lock (_gate)
        {
            _hold?.TrySetResult();
            _hold = null;
        }
    }

    /// <summary>Completes once at least <paramref name="count"/> requests have arrived.</summary>
    public async Task WaitForRequestsAsync(int count)
    {
        TaskCompletionSource waiter;
        lock (_gate)
        {
            if (_requests.Count >= count)
            {
                return;
            }

            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add(waiter);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            await waiter.Task.WaitAsync(timeout.Token);
            lock (_gate)
            {
                if (_requests.Count >= count)
                {
                    return;
                }

                waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add(waiter);
            }
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var headers = request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal);
        if (context.Connection.ClientCertificate is { } client)
        {
            headers["x-client-certificate"] = client.Subject;
        }

        using var raw = new MemoryStream();
        await request.Body.CopyToAsync(raw, context.RequestAborted);

        WriteRequest? body = null;
        string? error = null;
        if (request.Method != "POST" || request.Path != "/api/v1/write")
        {
            error = $"unexpected {request.Method} {request.Path}";
        }
        else if (!string.Equals(request.ContentType, "application/x-protobuf", StringComparison.Ordinal) ||
                 !string.Equals(request.Headers.ContentEncoding.ToString(), "snappy", StringComparison.Ordinal))
        {
            error = $"unexpected Content-Type '{request.ContentType}' or Content-Encoding '{request.Headers.ContentEncoding}'";
        }
        else
        {
            try
            {
                body = WriteRequest.Parser.ParseFrom(Snappy.DecompressToArray(raw.ToArray()));
            }
            catch (Exception ex) when (ex is InvalidDataException or InvalidProtocolBufferException)
            {
                error = ex.Message;
            }
        }

        int status;
        string? retryAfter = null;
        Task hold;
        lock (_gate)
        {
            if (error is not null)
            {
                status = 400;
            }
            else if (_requiredAuthorization is { } required && headers.GetValueOrDefault("authorization") != required)
            {
                status = 401;
            }
            else if (_faults.TryDequeue(out var fault))
            {
                (status, retryAfter) = fault;
            }
            else
            {
                status = 204;
            }

            hold = _hold?.Task ?? Task.CompletedTask;
            _held.TrySetResult();
            _requests.Add(new RemoteWriteReceivedRequest(_requests.Count, headers, body, status, error));
            foreach (var waiter in _waiters)
            {
                waiter.TrySetResult();
            }

            _waiters.Clear();
        }

        await hold.WaitAsync(context.RequestAborted);
        context.Response.StatusCode = status;
        if (retryAfter is not null)
        {
            context.Response.Headers.RetryAfter = retryAfter;
        }

        if (status >= 400)
        {
            await context.Response.WriteAsync(error ?? $"stand-in fault {status}", context.RequestAborted);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Release();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
