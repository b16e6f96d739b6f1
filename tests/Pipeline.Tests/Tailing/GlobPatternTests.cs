using Pipeline.Grains.Collection.Tailing;
using Xunit;

namespace Pipeline.Tests.Tailing;

public sealed class GlobPatternTests : IDisposable
{
    private readonly TailingSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Theory]
    [InlineData("/r/x.log", true)]
    [InlineData("/r/a/x.log", true)]
    [InlineData("/r/a/b/c/x.log", true)]
    [InlineData("/r/a/y.log", false)]
    [InlineData("/other/x.log", false)]
    public void Double_star_matches_zero_or_more_directories(string path, bool expected) =>
        Assert.Equal(expected, GlobPattern.Parse("/r/**/x.log").IsMatch(path));

    [Theory]
    [InlineData("/logs/app-1.log", "/logs/app-?.log", true)]
    [InlineData("/logs/app-12.log", "/logs/app-?.log", false)]
    [InlineData("/logs/app-.log", "/logs/app-?.log", false)]
    [InlineData("/logs/app/1.log", "/logs/app?1.log", false)]
    public void Question_mark_matches_exactly_one_character_within_a_segment(string path, string pattern, bool expected) =>
        Assert.Equal(expected, GlobPattern.Parse(pattern).IsMatch(path));

    [Theory]
    [InlineData("/logs/0.log", "/logs/[0-9].log", true)]
    [InlineData("/logs/a.log", "/logs/[0-9].log", false)]
    [InlineData("/logs/d.log", "/logs/[!a-c].log", true)]
    [InlineData("/logs/b.log", "/logs/[!a-c].log", false)]
    [InlineData("/logs/b.log", "/logs/[^a-c].log", false)]
    [InlineData("/logs/x.log", "/logs/[xyz].log", true)]
    [InlineData("/logs/].log", "/logs/[]].log", true)]
    [InlineData("/logs/[.log", "/logs/[.log", true)]
    [InlineData("/logs/a*.log", "/logs/a\\*.log", true)]
    [InlineData("/logs/ab.log", "/logs/a\\*.log", false)]
    public void Character_classes_ranges_negations_and_escapes(string path, string pattern, bool expected) =>
        Assert.Equal(expected, GlobPattern.Parse(pattern).IsMatch(path));

    [Theory]
    [InlineData("/logs/app.log", "/logs/*.log", true)]
    [InlineData("/logs/.hidden.log", "/logs/*.log", false)]
    [InlineData("/logs/.hidden.log", "/logs/.*.log", true)]
    [InlineData("/logs/sub/app.log", "/logs/*.log", false)]
    [InlineData("/logs/a.b.c", "/logs/*.*.*", true)]
    [InlineData("/logs/aaaaaaaaaaaaaaaaaaaab", "/logs/*a*a*a*a*c", false)]
    public void Star_matches_within_one_segment_and_not_a_leading_dot(string path, string pattern, bool expected) =>
        Assert.Equal(expected, GlobPattern.Parse(pattern).IsMatch(path));

    [Fact]
    public void File_name_pattern_matches_the_last_segment_anywhere()
    {
        var pattern = GlobPattern.Parse("*.gz");

        Assert.False(pattern.IsAbsolute);
        Assert.True(pattern.IsMatch("/var/log/pods/ns_pod_uid/c/0.log.20261125.gz"));
        Assert.False(pattern.IsMatch("/var/log/pods/ns_pod_uid/c/0.log"));
    }

    [Theory]
    [InlineData("var/log/*.log")]
    [InlineData("/var/../log/*.log")]
    [InlineData("")]
    [InlineData("/")]
    public void Unusable_patterns_are_rejected_with_what_to_write(string pattern)
    {
        var error = Assert.Throws<FormatException>(() => GlobPattern.Parse(pattern));
        Assert.Contains(pattern.Length == 0 ? "Empty" : pattern, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Enumeration_finds_the_matching_files_on_disk()
    {
        var root = _sandbox.Root;
        foreach (var file in new[] { "pods/ns_a_1/web/0.log", "pods/ns_a_1/web/0.log.20261125-100000", "pods/ns_b_2/db/1.log", "pods/ns_b_2/db/deep/2.log", "pods/top.log" })
        {
            var path = Path.Combine(root, file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, "x\n");
        }

        Directory.CreateDirectory(Path.Combine(root, "pods", "ns_c_3", "dir.log"));

        Assert.Equal(
            [$"{root}/pods/ns_a_1/web/0.log", $"{root}/pods/ns_b_2/db/1.log"],
            GlobPattern.Parse($"{root}/pods/*/*/*.log").EnumerateMatches().Order(StringComparer.Ordinal));
        Assert.Equal(
            [$"{root}/pods/ns_a_1/web/0.log", $"{root}/pods/ns_b_2/db/1.log", $"{root}/pods/ns_b_2/db/deep/2.log", $"{root}/pods/top.log"],
            GlobPattern.Parse($"{root}/pods/**/*.log").EnumerateMatches().Order(StringComparer.Ordinal));
        Assert.Equal(
            [$"{root}/pods/ns_b_2/db/1.log"],
            GlobPattern.Parse($"{root}/pods/ns_[b-z]_?/db/[0-9].log").EnumerateMatches());
        Assert.Empty(GlobPattern.Parse($"{root}/missing/**/*.log").EnumerateMatches());
    }

    [Fact]
    public void Enumeration_lists_symlinks_under_their_own_name_and_does_not_loop()
    {
        var root = _sandbox.Root;
        var target = Path.Combine(root, "pods", "0.log");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.WriteAllText(target, "x\n");
        var links = Path.Combine(root, "containers");
        Directory.CreateDirectory(links);
        File.CreateSymbolicLink(Path.Combine(links, "web.log"), target);
        Directory.CreateSymbolicLink(Path.Combine(root, "pods", "loop"), root);

        Assert.Equal([$"{links}/web.log"], GlobPattern.Parse($"{links}/*.log").EnumerateMatches());
        Assert.Equal(
            [$"{root}/containers/web.log", $"{root}/pods/0.log"],
            GlobPattern.Parse($"{root}/**/*.log").EnumerateMatches().Order(StringComparer.Ordinal));
    }
}
