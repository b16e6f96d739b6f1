using System.IO.Hashing;
using Pipeline.Grains.Scraping.Relabeling;
using Xunit;

namespace Pipeline.Tests.Scraping.Relabeling;

public sealed class LabelSetTests
{
    [Fact]
    public void Labels_are_sorted_by_name_unique_and_empty_values_left_out()
    {
        var set = LabelSet.Of("job", "node", "__name__", "up", "empty", "", "instance", "a", "instance", "b");

        Assert.Equal(["__name__", "instance", "job"], set.Select(l => l.Name));
        Assert.Equal("b", set.Get("instance"));
        Assert.Equal("", set.Get("empty"));
        Assert.False(set.Contains("empty"));
    }

    [Fact]
    public void Equal_sets_are_equal_whatever_the_order_they_were_built_in()
    {
        var a = LabelSet.Of("a", "1", "b", "2");
        var b = LabelSet.Of("b", "2", "a", "1");

        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.Equal(a.StableHash, b.StableHash);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, LabelSet.Of("a", "1", "b", "3"));
        Assert.NotEqual(a.StableHash, LabelSet.Of("a", "1", "b", "3").StableHash);
    }

    [Fact]
    public void Stable_hash_is_xxhash64_of_names_and_values_each_followed_by_0xff()
    {
        var set = LabelSet.Of("job", "node", "__name__", "up", "ünï", "cödé");
        var bytes = new List<byte>();
        foreach (var (name, value) in new[] { ("__name__", "up"), ("job", "node"), ("ünï", "cödé") })
        {
            bytes.AddRange(System.Text.Encoding.UTF8.GetBytes(name));
            bytes.Add(0xFF);
            bytes.AddRange(System.Text.Encoding.UTF8.GetBytes(value));
            bytes.Add(0xFF);
        }

        Assert.Equal(XxHash64.HashToUInt64(bytes.ToArray()), set.StableHash);
    }

    [Fact]
    public void Stable_hash_does_not_change_between_runs_or_versions()
    {
        // Pinned: a TargetGrain is keyed by this number, so changing the encoding moves every target.
        // Both values come from xxHash's reference tool (Debian's xxhash package), not from this code:
        //   printf '' | xxhsum -H64                                    -> ef46db3751d8e999
        //   printf '__name__\xffup\xffjob\xffnode\xff' | xxhsum -H64   -> 01585e2399cc2df6
        byte[] written = [.. "__name__"u8, 0xFF, .. "up"u8, 0xFF, .. "job"u8, 0xFF, .. "node"u8, 0xFF];
        Assert.Equal(0x01585E2399CC2DF6UL, XxHash64.HashToUInt64(written));
        Assert.Equal(0xEF46DB3751D8E999UL, LabelSet.Empty.StableHash);
        Assert.Equal(0x01585E2399CC2DF6UL, LabelSet.Of("__name__", "up", "job", "node").StableHash);
    }

    [Fact]
    public void Separators_keep_shifted_boundaries_apart()
    {
        Assert.NotEqual(LabelSet.Of("a", "bc").StableHash, LabelSet.Of("ab", "c").StableHash);
        Assert.NotEqual(LabelSet.Of("a", "b", "c", "d").StableHash, LabelSet.Of("a", "b\u00ffc", "d", "x").StableHash);
    }

    [Fact]
    public void Builder_returns_the_original_set_when_nothing_changed()
    {
        var set = LabelSet.Of("a", "1", "b", "2");
        var builder = new LabelSetBuilder(set);
        builder.Set("a", "1");
        builder.Delete("missing");
        Assert.Same(set, builder.ToLabelSet());

        builder.Set("c", "3");
        builder.Delete("a");
        Assert.Equal(LabelSet.Of("b", "2", "c", "3"), builder.ToLabelSet());
        Assert.Equal(LabelSet.Of("a", "1", "b", "2"), set); // the original is untouched
    }

    [Fact]
    public void Builder_set_with_empty_value_deletes()
    {
        var builder = new LabelSetBuilder(LabelSet.Of("a", "1"));
        builder.Set("a", "");
        Assert.Equal(LabelSet.Empty, builder.ToLabelSet());
    }

    [Fact]
    public void Without_reserved_drops_double_underscore_labels()
    {
        var set = LabelSet.Of("__address__", "h:1", "__param_x", "y", "_single", "kept", "job", "j");

        Assert.Equal(LabelSet.Of("_single", "kept", "job", "j"), set.WithoutReserved());
    }

    [Fact]
    public void To_string_is_prometheus_notation()
    {
        Assert.Equal("{a=\"x\\\"y\", b=\"1\\n2\"}", LabelSet.Of("b", "1\n2", "a", "x\"y").ToString());
    }
}
