using Pipeline.Grains.Collection.Tailing;
using Xunit;

namespace Pipeline.Tests.Tailing;

public sealed class FileTailerCheckpointTests : IDisposable
{
    private readonly TailingSandbox _sandbox = new();
    private readonly RecordingLineSink _sink = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public void Resume_from_checkpoint_continues_after_last_commit()
    {
        var log = _sandbox.LogPath("app.log");
        File.WriteAllText(log, "one\ntwo\nthree\n");
        var first = _sandbox.CreateTailer(options => options.ReadFromHead = true);
        first.Rescan();
        TailingSandbox.ReadToEnd(first, _sink);
        var before = Assert.Single(first.Files);
        first.Commit(before, _sink.Lines[1].NextOffset);
        first.FlushCheckpoints();
        first.Dispose();

        TailingSandbox.Append(log, "four\n");
        _sink.Clear();

        // ReadFromHead false: were the checkpoint ignored, the restart would begin at the end.
        var second = _sandbox.CreateTailer();
        second.Rescan();
        TailingSandbox.ReadToEnd(second, _sink);

        Assert.Equal(["three", "four"], _sink.Texts);
        Assert.Equal(before.FileKey, Assert.Single(second.Files).FileKey);
        Assert.Equal(8, _sink.Lines[0].Offset);
    }

    [Fact]
    public void Unflushed_commits_are_replayed_after_a_restart()
    {
        var log = _sandbox.LogPath("app.log");
        File.WriteAllText(log, "one\ntwo\n");
        var first = _sandbox.CreateTailer(options => options.ReadFromHead = true);
        first.Rescan();
        first.FlushCheckpoints();
        TailingSandbox.ReadToEnd(first, _sink);
        first.Commit(first.Files[0], _sink.Lines[1].NextOffset);
        first.Dispose();
        _sink.Clear();

        var second = _sandbox.CreateTailer();
        second.Rescan();
        TailingSandbox.ReadToEnd(second, _sink);

        // The checkpoint written when the file was opened holds: at-least-once, from offset 0.
        Assert.Equal(["one", "two"], _sink.Texts);
    }

    [Fact]
    public void Resume_with_changed_bytes_before_offset_restarts_from_zero()
    {
        var log = _sandbox.LogPath("app.log");
        File.WriteAllText(log, "one\ntwo\nthree\n");
        var first = _sandbox.CreateTailer(options => options.ReadFromHead = true);
        first.Rescan();
        TailingSandbox.ReadToEnd(first, _sink);
        var before = Assert.Single(first.Files);
        first.Commit(before, before.Position);
        first.FlushCheckpoints();
        first.Dispose();
        _sink.Clear();

        // Same inode, same first line, other bytes just before the checkpoint.
        using (var stream = new FileStream(log, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            stream.Position = 8;
            stream.Write("THREE"u8);
        }

        var second = _sandbox.CreateTailer();
        second.Rescan();
        TailingSandbox.ReadToEnd(second, _sink);

        Assert.Equal(before.FileKey, Assert.Single(second.Files).FileKey);
        Assert.Equal(["one", "two", "THREE"], _sink.Texts);
    }

    [Fact]
    public void Inode_reuse_gets_a_new_key()
    {
        var log = _sandbox.LogPath("app.log");
        File.WriteAllText(log, "old first\nold second\n");
        var first = _sandbox.CreateTailer(options => options.ReadFromHead = true);
        first.Rescan();
        TailingSandbox.ReadToEnd(first, _sink);
        var before = Assert.Single(first.Files);
        first.Commit(before, before.Position);
        first.FlushCheckpoints();
        first.Dispose();
        _sink.Clear();

        // The same (device, inode) pair now holds another file: what a new file on a reused inode looks like.
        TailingSandbox.Truncate(log);
        TailingSandbox.Append(log, "new first\nnew second, longer than the old file was\n");
        Assert.True(FileStat.TryGet(log, out var stat));
        Assert.Equal(before.Identity, stat.Identity);

        var second = _sandbox.CreateTailer(options => options.ReadFromHead = true);
        second.Rescan();
        TailingSandbox.ReadToEnd(second, _sink);

        var after = Assert.Single(second.Files);
        Assert.NotEqual(before.FileKey, after.FileKey);
        Assert.Equal(["new first", "new second, longer than the old file was"], _sink.Texts);
        Assert.NotEqual(new FileIdentity(1, 2).ComputeKey(10), new FileIdentity(1, 2).ComputeKey(11));
    }

    [Fact]
    public void File_key_is_the_same_after_rename_and_restart()
    {
        var log = _sandbox.LogPath("app.log");
        File.WriteAllText(log, "one\n");
        var first = _sandbox.CreateTailer(options => options.ReadFromHead = true);
        first.Rescan();
        var key = Assert.Single(first.Files).FileKey;
        first.Dispose();

        var renamed = _sandbox.LogPath("renamed.log");
        File.Move(log, renamed);
        var second = _sandbox.CreateTailer(options => options.ReadFromHead = true);
        second.Rescan();

        var file = Assert.Single(second.Files);
        Assert.Equal(renamed, file.Path);
        Assert.Equal(key, file.FileKey);
        Assert.Matches("^[0-9a-f]{16}$", key);
    }

    [Fact]
    public void Rotation_while_the_collector_was_away_is_read_from_the_checkpoint()
    {
        var log = _sandbox.LogPath("app.log");
        File.WriteAllText(log, "one\ntwo\n");
        var first = _sandbox.CreateTailer(options => options.ReadFromHead = true);
        first.Rescan();
        TailingSandbox.ReadToEnd(first, _sink);
        first.Commit(first.Files[0], first.Files[0].Position);
        first.FlushCheckpoints();
        first.Dispose();
        _sink.Clear();

        TailingSandbox.Append(log, "three\n");
        File.Move(log, log + ".1");
        File.WriteAllText(log, "four\n");

        var second = _sandbox.CreateTailer();
        second.Rescan();
        TailingSandbox.ReadToEnd(second, _sink);

        // The predecessor resumes at its checkpoint; its successor appeared while we were away, so it is read whole.
        Assert.Equal(["three", "four"], _sink.Texts);
        Assert.True(second.Files[0].IsRotatedOut);
        Assert.Equal(8, _sink.Lines[0].Offset);
    }

    [Fact]
    public void Several_rotations_while_the_collector_was_away_lose_no_line_and_reread_nothing()
    {
        var log = _sandbox.LogPath("app.log");
        File.WriteAllText(log + ".old", "zero\n");
        // An hour before the file system's own stamp, not the process clock's: the two need not agree.
        File.SetLastWriteTimeUtc(log + ".old", File.GetLastWriteTimeUtc(log + ".old").AddHours(-1));
        File.WriteAllText(log, "one\ntwo\n");
        var first = _sandbox.CreateTailer(options => options.ReadFromHead = true);
        first.Rescan();
        TailingSandbox.ReadToEnd(first, _sink);
        first.Commit(first.Files[0], first.Files[0].Position);
        first.FlushCheckpoints();
        first.Dispose();
        _sink.Clear();

        // Two rotations by rename while no collector runs: app.log -> .1, then a new app.log -> .2.
        TailingSandbox.Append(log, "three\n");
        File.Move(log, log + ".1");
        File.WriteAllText(log, "four\nfive\n");
        File.Move(log, log + ".2");
        File.WriteAllText(log, "six\n");

        var second = _sandbox.CreateTailer();
        second.Rescan();
        TailingSandbox.ReadToEnd(second, _sink);

        // The checkpointed file goes on from its offset, the one rotated after it is read whole, the
        // older file that predates the checkpoint (already read or never ours) is left alone.
        Assert.Equal(["five", "four", "six", "three"], _sink.Texts.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void An_empty_file_gets_a_checkpoint_at_offset_0_from_the_scan_that_finds_it()
    {
        var log = _sandbox.LogPath("app.log");
        File.WriteAllText(log, string.Empty);
        var tailer = _sandbox.CreateTailer();
        tailer.Rescan();
        var file = Assert.Single(tailer.Files);
        Assert.False(file.HasKey);
        Assert.Equal(1, tailer.FlushCheckpoints());

        using var store = _sandbox.OpenStore();
        Assert.True(store.TryGet(file.FileKey, out var checkpoint));
        Assert.Equal(0, checkpoint.Offset);
        Assert.Equal(file.Identity, checkpoint.Identity);
    }

    [Fact]
    public void A_file_found_empty_then_filled_and_rotated_away_while_the_collector_was_down_is_read_whole()
    {
        var log = _sandbox.LogPath("app.log");
        File.WriteAllText(log, string.Empty);
        var first = _sandbox.CreateTailer(options => options.ReadFromHead = false);
        first.Rescan();
        first.FlushCheckpoints();

        // Killed right after its first scan: the lines come, and the file is rotated twice, while nothing runs.
        first.Dispose();
        TailingSandbox.Append(log, "one\ntwo\n");
        File.Move(log, log + ".1");
        File.WriteAllText(log, "three\n");
        File.Move(log, log + ".2");
        File.WriteAllText(log, "four\n");

        var second = _sandbox.CreateTailer(options => options.ReadFromHead = false);
        second.Rescan();
        TailingSandbox.ReadToEnd(second, _sink);

        Assert.Equal(["four", "one", "three", "two"], _sink.Texts.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_file_that_got_its_first_line_resumes_under_its_key_after_a_restart()
    {
        var log = _sandbox.LogPath("app.log");
        File.WriteAllText(log, string.Empty);
        var first = _sandbox.CreateTailer();
        first.Rescan();
        TailingSandbox.Append(log, "one\ntwo\n");
        TailingSandbox.ReadToEnd(first, _sink);
        var file = Assert.Single(first.Files);
        Assert.True(file.HasKey);
        first.Commit(file, _sink.Lines[0].NextOffset);
        first.FlushCheckpoints();
        first.Dispose();
        _sink.Clear();

        var second = _sandbox.CreateTailer();
        second.Rescan();
        TailingSandbox.ReadToEnd(second, _sink);

        Assert.Equal(["two"], _sink.Texts);
        Assert.Equal(file.FileKey, Assert.Single(second.Files).FileKey);
    }

    [Fact]
    public void Checkpoints_of_closed_files_are_forgotten_after_the_limit()
    {
        var log = _sandbox.LogPath("app.log");
        File.WriteAllText(log, "one\n");
        var store = _sandbox.OpenStore();
        var tailer = _sandbox.CreateTailer(
            options =>
            {
                options.ReadFromHead = true;
                options.ForgetCheckpointsAfter = TimeSpan.FromHours(1);
            },
            store);
        tailer.Rescan();
        TailingSandbox.ReadToEnd(tailer, _sink);
        var file = tailer.Files[0];
        tailer.Commit(file, file.Position);
        File.Delete(log);
        tailer.Rescan();
        _sandbox.Time.Advance(TimeSpan.FromMinutes(1));
        tailer.Rescan();
        Assert.True(file.IsClosed);
        tailer.FlushCheckpoints();
        Assert.True(store.TryGet(file.FileKey, out _));

        _sandbox.Time.Advance(TimeSpan.FromMinutes(59));
        tailer.Rescan();
        Assert.True(store.TryGet(file.FileKey, out _));

        _sandbox.Time.Advance(TimeSpan.FromMinutes(2));
        tailer.Rescan();
        Assert.False(store.TryGet(file.FileKey, out _));
    }
}
