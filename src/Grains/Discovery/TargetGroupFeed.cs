using System.Runtime.CompilerServices;

namespace Pipeline.Grains.Discovery;

/// <summary>
/// The full target sets of one discoverer, latest wins: readers get the current set once there
/// is one, then each newer set; a slow reader skips sets rather than queueing them.
/// </summary>
internal sealed class TargetGroupFeed
{
    private readonly object _gate = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IReadOnlyList<TargetGroup>? _current;
    private long _version;
    private volatile string? _error;

    /// <summary>Why the last attempt failed, or null.</summary>
    public string? Error
    {
        get => _error;
        set => _error = value;
    }

    /// <summary>The latest set, or null before the first.</summary>
    public IReadOnlyList<TargetGroup>? Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <summary>Publishes <paramref name="groups"/> unless it equals the current set; true when published.</summary>
    public bool Publish(IReadOnlyList<TargetGroup> groups)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            if (_current is not null && TargetGroup.SameSets(_current, groups))
            {
                return false;
            }

            _current = groups;
            _version++;
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
        return true;
    }

    public async IAsyncEnumerable<IReadOnlyList<TargetGroup>> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long seen = 0;
        while (true)
        {
            IReadOnlyList<TargetGroup>? current;
            long version;
            Task changed;
            lock (_gate)
            {
                current = _current;
                version = _version;
                changed = _changed.Task;
            }

            if (current is not null && version > seen)
            {
                seen = version;
                yield return current;
                continue;
            }

            await changed.WaitAsync(cancellationToken);
        }
    }
}
