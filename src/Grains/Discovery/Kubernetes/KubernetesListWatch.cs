using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Pipeline.Grains.Logging;

namespace Pipeline.Grains.Discovery.Kubernetes;

/// <summary>
/// Lists one resource kind (in one namespace, or all) and then watches it from the list's
/// resourceVersion, keeping a <see cref="KubernetesTargetSet"/> (or any other
/// <see cref="IKubernetesObjectSink{T}"/>, such as the pod metadata cache) up to date; objects are never fetched
/// one by one. A watch that ends or fails is resumed from the last resourceVersion seen (events and
/// bookmarks move it), so no relist is needed; only a 410 Gone (history compacted past it) forces a
/// new list. Failures back off exponentially between <c>MinRetryDelay</c> and <c>MaxRetryDelay</c>.
/// </summary>
internal sealed class KubernetesListWatch<T>
    where T : IKubernetesObject<V1ObjectMeta>
{
    private readonly KubernetesResourceApi<T> _api;
    private readonly KubernetesDiscoveryOptions _options;
    private readonly string? _namespace;
    private readonly IKubernetesObjectSink<T> _sink;
    private readonly int _scope;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private long _lists;
    private long _watches;
    private long _events;
    private long _bookmarks;
    private long _expired;
    private long _failures;
    private volatile string? _lastError;
    private long _stalls;
    private readonly FailureStreak _streak = new();

    public KubernetesListWatch(KubernetesResourceApi<T> api, KubernetesDiscoveryOptions options, string? ns, KubernetesTargetSet targets, int scope, ILogger logger, TimeProvider time)
        : this(api, options, ns, new KubernetesTargetSetSink<T>(api, targets), scope, logger, time)
    {
    }

    /// <summary>Feeds the objects themselves to <paramref name="sink"/> instead of target groups.</summary>
    public KubernetesListWatch(KubernetesResourceApi<T> api, KubernetesDiscoveryOptions options, string? ns, IKubernetesObjectSink<T> sink, int scope, ILogger logger, TimeProvider time)
    {
        _api = api;
        _options = options;
        _namespace = ns;
        _sink = sink;
        _scope = scope;
        _logger = logger;
        _time = time;
    }

    /// <summary>The resourceVersion the next watch starts from; null until listed (or after a 410).</summary>
    public string? ResourceVersion { get; private set; }

    /// <summary>Why the last list or watch failed, until one succeeds again; null when all is well.</summary>
    public string? LastError => _lastError;

    public KubernetesDiscoveryCounters Counters => new(
        Interlocked.Read(ref _lists),
        Interlocked.Read(ref _watches),
        Interlocked.Read(ref _events),
        Interlocked.Read(ref _bookmarks),
        Interlocked.Read(ref _expired),
        Interlocked.Read(ref _failures),
        Interlocked.Read(ref _stalls));

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var delay = _options.MinRetryDelay;
        var where = _namespace ?? "(all namespaces)";
        while (!cancellationToken.IsCancellationRequested)
        {
            var failed = false;
            CancellationTokenSource? stalled = null;
            try
            {
                if (ResourceVersion is null)
                {
                    // Paged as client-go's pager does; an expired continue token answers 410 and the list starts over.
                    var items = new List<T>();
                    string? version = null;
                    string? next = null;
                    do
                    {
                        var page = await _api.List(_namespace, _options.LabelSelector, _options.FieldSelector, _options.ListPageSize, next, cancellationToken);
                        items.AddRange(page.Items);
                        version = page.ResourceVersion;
                        next = page.Continue;
                    }
                    while (!string.IsNullOrEmpty(next));

                    Interlocked.Increment(ref _lists);
                    _sink.Replace(_scope, items);
                    _lastError = null;
                    _streak.Succeed();
                    ResourceVersion = version ?? "";
                    KubernetesDiscoveryLog.LogDebugListed(_logger, _options.Role, where, items.Count, ResourceVersion);
                    delay = _options.MinRetryDelay;
                }

                var gone = false;
                var events = 0;
                Exception? error = null;
                void OnError(Exception e)
                {
                    if (e is KubernetesException { Status.Code: (int)HttpStatusCode.Gone })
                    {
                        gone = true;
                    }
                    else
                    {
                        error = e;
                    }
                }

                // The server ends a watch after timeoutSeconds; one still open well past that sits on a dead
                // connection (no RST ever came), so it is abandoned and resumed like an ended one.
                Interlocked.Increment(ref _watches);
                stalled = new CancellationTokenSource(TimeSpan.FromSeconds(_options.WatchTimeoutSeconds) + _options.WatchStallGrace, _time);
                using var watching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stalled.Token);
                await foreach (var (type, item) in _api.Watch(_namespace, _options.LabelSelector, _options.FieldSelector, ResourceVersion, _options.WatchTimeoutSeconds, OnError, watching.Token))
                {
                    events++;
                    delay = _options.MinRetryDelay;
                    _streak.Succeed();
                    if (_lastError is not null)
                    {
                        _lastError = null;
                    }

                    Apply(type, item);
                }

                if (gone)
                {
                    Interlocked.Increment(ref _expired);
                    KubernetesDiscoveryLog.LogInformationGone(_logger, _options.Role, where, ResourceVersion);
                    ResourceVersion = null;
                }
                else if (error is not null)
                {
                    LogFailure(error, where);
                    _lastError = $"{_options.Role} watch in {where}: {error.Message}";
                    failed = true;
                }
                else if (events == 0)
                {
                    // A watch closed before saying anything: pause before the next one rather than spin.
                    failed = true;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (OperationCanceledException) when (stalled?.IsCancellationRequested == true)
            {
                Interlocked.Increment(ref _stalls);
                KubernetesDiscoveryLog.LogInformationStalled(_logger, _options.Role, where, ResourceVersion ?? "");
            }
            catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.Gone)
            {
                Interlocked.Increment(ref _expired);
                KubernetesDiscoveryLog.LogInformationGone(_logger, _options.Role, where, ResourceVersion ?? "");
                ResourceVersion = null;
            }
            catch (Exception e)
            {
                LogFailure(e, where);
                _lastError = $"{_options.Role} list/watch in {where}: {e.Message}";
                failed = true;
            }
            finally
            {
                stalled?.Dispose();
            }

            if (failed)
            {
                Interlocked.Increment(ref _failures);
                try
                {
                    await Task.Delay(delay, _time, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxRetryDelay.Ticks));
            }
        }
    }

    /// <summary>The first failure since the last success with its stack trace; the next ones as one line with the cause.</summary>
    private void LogFailure(Exception error, string where)
    {
        if (_streak.Fail())
        {
            KubernetesDiscoveryLog.LogWarningWatchFailed(_logger, error, _options.Role, where, ResourceVersion ?? "", error.Message);
        }
        else
        {
            KubernetesDiscoveryLog.LogWarningWatchFailedAgain(_logger, _options.Role, where, _streak.Failures, ResourceVersion ?? "", error.Message);
        }
    }

    private void Apply(WatchEventType type, T item)
    {
        switch (type)
        {
            case WatchEventType.Added:
            case WatchEventType.Modified:
                Interlocked.Increment(ref _events);
                _sink.Upsert(_scope, item);
                break;
            case WatchEventType.Deleted:
                Interlocked.Increment(ref _events);
                _sink.Remove(_scope, item);
                break;
            case WatchEventType.Bookmark:
                Interlocked.Increment(ref _bookmarks);
                break;
            default:
                break;
        }

        if (item.Metadata?.ResourceVersion is { Length: > 0 } version)
        {
            ResourceVersion = version;
        }
    }
}
