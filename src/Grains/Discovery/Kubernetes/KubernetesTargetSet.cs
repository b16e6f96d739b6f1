using System.Runtime.CompilerServices;

namespace Pipeline.Grains.Discovery.Kubernetes;

/// <summary>
/// The current target groups of a discovery, fed by its watches (one scope per watch, so a relist
/// replaces only what that watch owns). A snapshot is published once every watch has listed, and
/// then on each change that alters a group; readers always get the latest, never a backlog.
/// </summary>
internal sealed class KubernetesTargetSet
{
    private readonly object _gate = new();
    private readonly Dictionary<string, TargetGroup>[] _scopes;
    private readonly bool[] _listed;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private KubernetesTargetSnapshot? _current;
    private long _version;

    public KubernetesTargetSet(int scopes)
    {
        _scopes = new Dictionary<string, TargetGroup>[scopes];
        _listed = new bool[scopes];
        for (var i = 0; i < scopes; i++)
        {
            _scopes[i] = new Dictionary<string, TargetGroup>(StringComparer.Ordinal);
        }
    }

    public KubernetesTargetSnapshot? Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <summary>Replaces everything a scope holds by the result of its list.</summary>
    public void Replace(int scope, IEnumerable<TargetGroup> groups)
    {
        lock (_gate)
        {
            var fresh = new Dictionary<string, TargetGroup>(StringComparer.Ordinal);
            foreach (var group in groups)
            {
                fresh[group.Source] = group;
            }

            var changed = !_listed[scope] || !SameGroups(_scopes[scope], fresh);
            _scopes[scope] = fresh;
            _listed[scope] = true;
            if (changed)
            {
                PublishLocked();
            }
        }
    }

    public void Upsert(int scope, TargetGroup group)
    {
        lock (_gate)
        {
            var groups = _scopes[scope];
            if (groups.TryGetValue(group.Source, out var old) && old.SameAs(group))
            {
                return;
            }

            groups[group.Source] = group;
            PublishLocked();
        }
    }

    public void Remove(int scope, string source)
    {
        lock (_gate)
        {
            if (_scopes[scope].Remove(source))
            {
                PublishLocked();
            }
        }
    }

    /// <summary>The current snapshot (once there is one), then each newer one; intermediate versions may be skipped.</summary>
    public async IAsyncEnumerable<KubernetesTargetSnapshot> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long seen = 0;
        while (true)
        {
            KubernetesTargetSnapshot? snapshot;
            Task changed;
            lock (_gate)
            {
                snapshot = _current;
                changed = _changed.Task;
            }

            if (snapshot is not null && snapshot.Version > seen)
            {
                seen = snapshot.Version;
                yield return snapshot;
                continue;
            }

            await changed.WaitAsync(cancellationToken);
        }
    }

    private void PublishLocked()
    {
        if (Array.IndexOf(_listed, false) >= 0)
        {
            return;
        }

        var groups = _scopes.SelectMany(s => s.Values).OrderBy(g => g.Source, StringComparer.Ordinal).ToArray();
        _current = new KubernetesTargetSnapshot(++_version, groups);
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }

    private static bool SameGroups(Dictionary<string, TargetGroup> a, Dictionary<string, TargetGroup> b) =>
        a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var other) && p.Value.SameAs(other));
}
