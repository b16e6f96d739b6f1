using Pipeline.Grains.Scraping.Relabeling;
using Xunit;
using static Pipeline.Tests.Scraping.Relabeling.RelabelYaml;

namespace Pipeline.Tests.Scraping.Relabeling;

/// <summary>
/// hashmod gives Prometheus's numbers. Expected values derived independently: md5 of the UTF-8 value
/// (e.g. md5("baz") = 73feffa4b7f6bb68e44cf984c85f6e88), its last 8 bytes as a big-endian integer
/// (0xe44cf984c85f6e88 = 16450797887570275976), modulo the modulus (976 for 1000, the value
/// Prometheus's own tests expect).
/// </summary>
public sealed class HashModTests
{
    [Theory]
    [InlineData("baz", 1000UL, 976UL)]
    [InlineData("foo", 1000UL, 696UL)]
    [InlineData("", 1000UL, 958UL)]
    [InlineData("foo\nbar", 1000UL, 734UL)]
    [InlineData("a;b", 1000UL, 74UL)]
    [InlineData("héllo", 100UL, 16UL)]
    [InlineData("10.0.0.1:8080", 3UL, 0UL)]
    [InlineData("x", ulong.MaxValue, 17710500428000290726UL)]
    public void Hashmod_is_md5_last_eight_bytes_big_endian_modulo(string value, ulong modulus, ulong expected) =>
        Assert.Equal(expected, RelabelRule.HashMod(value, modulus));

    [Fact]
    public void Hashmod_action_sets_the_target_label_from_the_joined_sources()
    {
        var result = Run("""
            relabel_configs:
              - source_labels: [a, b]
                modulus: 1000
                target_label: shard
                action: hashmod
              - source_labels: [c]
                modulus: 1000
                target_label: d
                action: hashmod
            """, LabelSet.Of("a", "a", "b", "b", "c", "baz"));

        Assert.Equal("74", result!.Get("shard"));
        Assert.Equal("976", result.Get("d"));
    }

    [Fact]
    public void Hashmod_then_keep_shards_targets_between_scrapers()
    {
        var rules = Rules("""
            relabel_configs:
              - source_labels: [__address__]
                modulus: 4
                target_label: __tmp_hash
                action: hashmod
              - source_labels: [__tmp_hash]
                regex: 1
                action: keep
            """);

        var kept = 0;
        for (var i = 0; i < 400; i++)
        {
            var address = $"10.0.{i / 256}.{i % 256}:9100";
            var expected = RelabelRule.HashMod(address, 4) == 1;
            Assert.Equal(expected, Relabeler.Process(LabelSet.Of("__address__", address), rules, out _));
            kept += expected ? 1 : 0;
        }

        Assert.InRange(kept, 50, 150); // about a quarter
    }
}
