using Pipeline.Grains.Discovery;
using Pipeline.Tests.RemoteWrite;
using Pipeline.Tests.Support;
using Xunit;
using static Pipeline.Tests.Discovery.DiscovererWatch;

namespace Pipeline.Tests.Discovery;

/// <summary>
/// <c>file_sd_configs</c> on real files. The refresh interval runs on a manual clock that only a
/// test moves, so a change seen without moving it was seen through the directory watcher.
/// </summary>
public sealed class FileDiscoveryTests : IDisposable
{
    private static readonly TimeSpan Refresh = TimeSpan.FromMinutes(5);
    private readonly TempDirectory _directory = new("file-sd");
    private readonly ManualTimers _clock = new();

    [Fact]
    public async Task A_changed_file_yields_a_new_set_without_waiting_for_the_refresh_interval()
    {
        var json = Write("web.json", """[{"targets": ["10.0.0.1:8080"], "labels": {"env": "prod"}}]""");
        var yaml = Write("db.yml", """
            - targets: [10.0.1.1:9187, 10.0.1.2:9187]
              labels: {team: data}
            """);
        await using var watch = Start(Config("*.json", "db.yml"));

        var first = await watch.Until(s => Addresses(s).Length == 3, "the targets of both files");
        Assert.Null(watch.Discoverer.Error);
        var web = Assert.Single(first, g => g.Source == $"{json}:0");
        Assert.Equal(json, web.Labels["__meta_filepath"]);
        Assert.Equal("prod", web.Labels["env"]);
        var db = Assert.Single(first, g => g.Source == $"{yaml}:0");
        Assert.Equal((yaml, "data"), (db.Labels["__meta_filepath"], db.Labels["team"]));

        Write("web.json", """[{"targets": ["10.0.0.1:8080", "10.0.0.2:8080"]}, {"targets": ["10.0.0.3:8080"], "labels": {"canary": "yes"}}]""");
        var second = await watch.Until(s => Addresses(s).Length == 5, "the rewritten file's targets");

        Assert.Equal(["10.0.0.1:8080", "10.0.0.2:8080", "10.0.0.3:8080", "10.0.1.1:9187", "10.0.1.2:9187"], Addresses(second));
        Assert.Equal("yes", second.Single(g => g.Source == $"{json}:1").Labels["canary"]);
    }

    [Fact]
    public async Task A_broken_file_keeps_its_last_good_groups_and_sets_the_error_until_it_is_fixed()
    {
        Write("web.json", """[{"targets": ["10.0.0.1:8080"]}]""");
        Write("other.json", """[{"targets": ["10.0.9.9:80"]}]""");
        await using var watch = Start(Config("*.json"));
        await watch.Until(s => Addresses(s).Length == 2, "both files' targets");

        Write("web.json", """[{"targets": ["10.0.0.1:8080",""");
        var error = await watch.UntilError(e => e is not null, "the parse error");
        Write("other.json", """[{"targets": ["10.0.9.9:80", "10.0.9.8:80"]}]""");
        var stillGood = await watch.Until(s => Addresses(s).Length == 3, "the other file's change");

        Assert.Contains("web.json", error, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", error, StringComparison.Ordinal);
        Assert.Equal(["10.0.0.1:8080", "10.0.9.8:80", "10.0.9.9:80"], Addresses(stillGood));

        Write("web.json", """[{"targets": ["10.0.0.7:8080"]}]""");
        var fixedSet = await watch.Until(s => Addresses(s).Contains("10.0.0.7:8080"), "the fixed file's target");
        Assert.Equal(["10.0.0.7:8080", "10.0.9.8:80", "10.0.9.9:80"], Addresses(fixedSet));
        Assert.Null(watch.Discoverer.Error);
    }

    [Fact]
    public async Task A_deleted_file_drops_its_groups()
    {
        var gone = Write("gone.yaml", "- targets: [10.0.0.1:8080]\n");
        Write("kept.yaml", "- targets: [10.0.0.2:8080]\n");
        await using var watch = Start(Config("*.yaml"));
        await watch.Until(s => Addresses(s).Length == 2, "both files' targets");

        File.Delete(gone);
        var after = await watch.Until(s => Addresses(s).Length == 1, "the deleted file's groups gone");

        Assert.Equal(["10.0.0.2:8080"], Addresses(after));
        Assert.DoesNotContain(after, g => g.Labels["__meta_filepath"] == gone);
        Assert.Null(watch.Discoverer.Error);
    }

    [Fact]
    public async Task The_refresh_interval_finds_files_in_a_directory_that_appeared_after_the_start()
    {
        var late = _directory.Combine("late");
        await using var watch = Start(new FileDiscoveryConfig { Files = [Path.Combine(late, "*.json")], RefreshInterval = Refresh });
        var empty = await watch.Until(_ => true, "the first (empty) set");
        Assert.Empty(empty);

        Directory.CreateDirectory(late);
        await File.WriteAllTextAsync(Path.Combine(late, "a.json"), """[{"targets": ["10.0.0.1:8080"]}]""");

        // No directory, no watcher: only the periodic refresh can find it.
        var found = await watch.Until(s => Addresses(s).Length == 1, "the refresh to find the new file", poke: () => _clock.Advance(Refresh));
        Assert.Equal(["10.0.0.1:8080"], Addresses(found));
    }

    [Fact]
    public async Task Files_not_matching_the_pattern_are_ignored_and_yaml_mistakes_say_where()
    {
        Write("web.json", """[{"targets": ["10.0.0.1:8080"]}]""");
        Write("web.json.bak", """[{"targets": ["10.9.9.9:8080"]}]""");
        Write("bad.yml", "- targets: [10.0.0.2:8080]\n  lables: {a: b}\n");
        await using var watch = Start(Config("web*.json", "bad.yml"));

        var set = await watch.Until(_ => true, "the first set");

        Assert.Equal(["10.0.0.1:8080"], Addresses(set));
        Assert.Contains("line 2: group 0: unknown key 'lables'", watch.Discoverer.Error, StringComparison.Ordinal);
    }

    private FileDiscoveryConfig Config(params string[] patterns) =>
        new() { Files = [.. patterns.Select(p => _directory.Combine(p))], RefreshInterval = Refresh };

    private DiscovererWatch Start(FileDiscoveryConfig config) => DiscovererWatch.Start(config, _clock);

    private string Write(string name, string content)
    {
        var path = _directory.Combine(name);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose() => _directory.Dispose();
}
