using Pipeline.Grains.Collection.Tailing;
using Xunit;

namespace Pipeline.Tests.Tailing;

public sealed class CheckpointStoreTests : IDisposable
{
    private readonly TailingSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public void Flushed_checkpoint_is_seen_by_a_new_store_even_if_the_old_one_was_never_closed()
    {
        // The first store is left open, as a killed process leaves it.
        var killed = _sandbox.OpenStore();
        var identity = new FileIdentity(ulong.MaxValue - 1, 0x8000_0000_0000_0001);
        killed.Commit("00000000000000aa", identity, "/var/log/containers/a.log", 1234, ulong.MaxValue);
        Assert.Equal(1, killed.Flush());

        var reopened = _sandbox.OpenStore();

        Assert.True(reopened.TryGet("00000000000000aa", out var checkpoint));
        Assert.Equal(
            new FileCheckpoint("00000000000000aa", identity, "/var/log/containers/a.log", 1234, ulong.MaxValue, _sandbox.Time.GetUtcNow()),
            checkpoint);
    }

    [Fact]
    public void Staged_commits_are_visible_at_once_but_durable_only_after_flush()
    {
        var store = _sandbox.OpenStore();
        store.Commit("00000000000000aa", new FileIdentity(1, 2), "/a.log", 10, 3);
        store.Commit("00000000000000aa", new FileIdentity(1, 2), "/a.log", 20, 4);

        Assert.Equal(1, store.PendingCount);
        Assert.True(store.TryGet("00000000000000aa", out var staged));
        Assert.Equal(20, staged.Offset);
        Assert.False(_sandbox.OpenStore().TryGet("00000000000000aa", out _));
    }

    [Fact]
    public void Checkpoints_of_files_gone_for_longer_than_the_limit_are_removed()
    {
        var store = _sandbox.OpenStore();
        store.Commit("00000000000000aa", new FileIdentity(1, 2), "/gone.log", 10, 3);
        store.Commit("00000000000000bb", new FileIdentity(1, 3), "/idle-but-followed.log", 10, 3);
        store.Flush();
        _sandbox.Time.Advance(TimeSpan.FromHours(2));
        store.Commit("00000000000000cc", new FileIdentity(1, 4), "/recent.log", 10, 3);
        store.Flush();

        var removed = store.RemoveGone(TimeSpan.FromHours(1), new HashSet<string> { "00000000000000bb" });

        Assert.Equal(1, removed);
        Assert.False(store.TryGet("00000000000000aa", out _));
        Assert.True(store.TryGet("00000000000000bb", out _));
        Assert.True(store.TryGet("00000000000000cc", out _));
    }
}
