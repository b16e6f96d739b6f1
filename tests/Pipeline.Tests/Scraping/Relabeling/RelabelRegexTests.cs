using Pipeline.Grains.Scraping.Relabeling;
using Xunit;

namespace Pipeline.Tests.Scraping.Relabeling;

/// <summary>Regexes written for Prometheus (Go RE2 syntax) mean the same here.</summary>
public sealed class RelabelRegexTests
{
    [Theory]
    [InlineData("true", "true", true)]
    [InlineData("true", "True", false)]
    [InlineData("true", "true!", false)]
    [InlineData(@"\d+", "123", true)]
    [InlineData(@"\d+", "١٢٣", false)] // Go's \d is ASCII only
    [InlineData(@"\w+", "abc_09", true)]
    [InlineData(@"\w+", "é", false)]
    [InlineData(@"\s", "\u00a0", false)]
    [InlineData(@"\pL+", "héllo", true)]
    [InlineData(@"\p{Lu}x", "Éx", true)]
    [InlineData(@"[[:upper:]][[:digit:]]", "A1", true)]
    [InlineData(@"[[:upper:]][[:digit:]]", "a1", false)]
    [InlineData(@"[]a]+", "]a]", true)]
    [InlineData(@"[^]a]", "b", true)]
    [InlineData(@"\Q.*+\E", ".*+", true)]
    [InlineData(@"\Q.*+\E", "abc", false)]
    [InlineData(@"\x{41}\x42", "AB", true)]
    [InlineData("(?i)prod", "PROD", true)]
    [InlineData("a.c", "a\nc", true)]
    [InlineData("", "", true)]
    [InlineData("", "x", false)]
    [InlineData(".*", "anything", true)]
    [InlineData("a|b", "ab", false)]
    [InlineData("(?m)a$", "a", true)]
    [InlineData("go_.*|process_.*", "go_goroutines", true)]
    [InlineData("go_.*|process_.*", "process_", true)]
    [InlineData("go_.*|process_.*", "xgo_goroutines", false)]
    [InlineData("go_.*|process_.*", "go", false)]
    [InlineData("go_.*", "go_\nx", true)]
    [InlineData("pod_template_hash|id", "id", true)]
    [InlineData("pod_template_hash|id", "ids", false)]
    [InlineData("pod_template_hash|id", "pod_template", false)]
    [InlineData("a||b", "", true)]
    public void Matches_the_whole_value_as_re2_does(string pattern, string value, bool expected) =>
        Assert.Equal(expected, RelabelRegex.Create(pattern).IsMatch(value));

    [Theory]
    [InlineData("(?=a)", "lookaround")]
    [InlineData("(?<!a)b", "lookaround")]
    [InlineData(@"(a)\1", "backreferences")]
    [InlineData("(?U)a+", "ungreedy")]
    [InlineData("[[:^alpha:]]", "negated")]
    [InlineData("(?P<1a-b>x)", "named capture")]
    [InlineData("(?P<a>x)(?P<a>y)", "duplicate")]
    [InlineData("[a", "missing closing ]")]
    [InlineData("(", "")]
    public void Refuses_what_re2_refuses(string pattern, string reason)
    {
        Assert.False(RelabelRegex.TryCreate(pattern, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Literal_alternatives_replace_with_the_whole_value()
    {
        var rule = new RelabelRule(new RelabelConfig { SourceLabels = ["v"], Regex = "web|api_.*", TargetLabel = "out", Replacement = "[$0|$1]" });

        Assert.True(Relabeler.Process(LabelSet.Of("v", "api_x"), [rule], out var result));
        Assert.Equal("[api_x|]", result.Get("out"));
        Assert.True(Relabeler.Process(LabelSet.Of("v", "webx"), [rule], out result));
        Assert.False(result.Contains("out"));
    }

    [Theory]
    [InlineData("(a|ab)(c|bcd)(d*)", "abcd", "a|bcd|")] // leftmost-first as Go (not POSIX leftmost-longest: ab|cd|)
    [InlineData("(.*?)([0-9]*)", "ab12", "ab|12|")] // lazy, then greedy up to the anchored end
    [InlineData("(.*)([0-9]+)", "ab12", "ab1|2|")]
    [InlineData("([^:]+)(?::[0-9]+)?;([0-9]+)", "10.0.0.1:8080;9102", "10.0.0.1|9102|")]
    public void Groups_capture_what_go_captures(string pattern, string value, string expected)
    {
        var rule = new RelabelRule(new RelabelConfig { SourceLabels = ["v"], Regex = pattern, TargetLabel = "out", Replacement = "$1|$2|$3" });

        Assert.True(Relabeler.Process(LabelSet.Of("v", value), [rule], out var result));
        Assert.Equal(expected, result.Get("out"));
    }

    [Fact]
    public void A_pattern_that_backtracks_exponentially_elsewhere_answers_here()
    {
        // RE2 runs in linear time; so does this engine (no backtracking), so (a+)+b cannot hang a scrape.
        var value = new string('a', 40) + "!";

        Assert.False(RelabelRegex.Create("(a+)+b").IsMatch(value));
        Assert.True(RelabelRegex.Create("(a+)+!").IsMatch(value));
    }

    [Fact]
    public void Groups_are_counted_left_to_right_named_or_not()
    {
        var regex = RelabelRegex.Create("(?P<a>x)(y)(?:z)(?<b>w)");

        Assert.Equal(3, regex.GroupCount);
        Assert.Equal(1, regex.GroupNumber("a"));
        Assert.Equal(3, regex.GroupNumber("b"));
        Assert.Equal(-1, regex.GroupNumber("c"));
    }
}
