using Pipeline.Grains.Scraping.Pool;
using Xunit;

namespace Pipeline.Tests.Scraping.Pool;

public sealed class TargetAssignmentTests
{
    private static readonly string[] ThreeSilos = ["S10.0.0.1:11111@1", "S10.0.0.2:11111@1", "S10.0.0.3:11111@1"];

    private static List<string> Keys(int count, string job = "node") =>
        [.. Enumerable.Range(0, count).Select(i => $"{job}/{(ulong)i * 0x9E3779B97F4A7C15UL:x16}")];

    [Theory]
    [InlineData(1000, 3)]
    [InlineData(10, 3)]
    [InlineData(7, 2)]
    [InlineData(5000, 7)]
    public void No_silo_gets_more_than_its_even_share_rounded_up(int keys, int silos)
    {
        var names = Enumerable.Range(0, silos).Select(i => $"silo-{i}").ToList();
        var assignment = TargetAssignment.Assign(Keys(keys), names);

        Assert.Equal(keys, assignment.Count);
        var loads = names.Select(n => assignment.Values.Count(v => v == n)).ToList();
        var share = (int)Math.Ceiling((double)keys / silos);
        Assert.All(loads, load => Assert.InRange(load, keys - ((silos - 1) * share), share));
    }

    [Fact]
    public void The_outcome_does_not_depend_on_the_order_keys_come_in()
    {
        var keys = Keys(300);
        var forward = TargetAssignment.Assign(keys, ThreeSilos);
        var backward = TargetAssignment.Assign(Enumerable.Reverse(keys).ToList(), ThreeSilos);

        Assert.Equal(forward.OrderBy(p => p.Key), backward.OrderBy(p => p.Key));
    }

    [Fact]
    public void A_silo_joining_moves_only_about_its_share_of_keys_and_evens_the_load()
    {
        var keys = Keys(900);
        var before = TargetAssignment.Assign(keys, ThreeSilos[..2]);
        var after = TargetAssignment.Assign(keys, ThreeSilos, before);

        var moved = keys.Count(k => before[k] != after[k]);
        Assert.InRange(moved, 300 - 20, 300 + 20);
        Assert.All(ThreeSilos, s => Assert.InRange(after.Values.Count(v => v == s), 285, 315));
        Assert.All(keys.Where(k => before[k] != after[k]), k => Assert.Equal(ThreeSilos[2], after[k]));
    }

    [Fact]
    public void A_silo_leaving_moves_only_its_own_keys()
    {
        var keys = Keys(900);
        var before = TargetAssignment.Assign(keys, ThreeSilos);
        var after = TargetAssignment.Assign(keys, ThreeSilos[..2], before);

        foreach (var key in keys)
        {
            if (before[key] != ThreeSilos[2])
            {
                Assert.Equal(before[key], after[key]);
            }
        }

        Assert.All(ThreeSilos[..2], s => Assert.Equal(450, after.Values.Count(v => v == s)));
    }

    [Fact]
    public void New_keys_do_not_move_the_old_ones()
    {
        var keys = Keys(600);
        var before = TargetAssignment.Assign(keys[..500], ThreeSilos);
        var after = TargetAssignment.Assign(keys, ThreeSilos, before);

        Assert.All(keys[..500], k => Assert.Equal(before[k], after[k]));
        Assert.All(ThreeSilos, s => Assert.InRange(after.Values.Count(v => v == s), 190, 210));
    }

    [Fact]
    public void With_slack_a_small_drift_moves_nothing()
    {
        var keys = Keys(1000);
        var before = TargetAssignment.Assign(keys, ThreeSilos);

        // Ten targets leave: the loads drift by a few, within the slack, and nobody moves.
        var fewer = keys.Skip(10).ToList();
        var after = TargetAssignment.Assign(fewer, ThreeSilos, before, TargetAssignment.Slack);

        Assert.All(fewer, k => Assert.Equal(before[k], after[k]));
    }

    [Fact]
    public void A_lone_key_prefers_the_same_silo_whatever_order_the_silos_are_listed_in()
    {
        foreach (var key in Keys(50))
        {
            Assert.Equal(TargetAssignment.Preferred(key, ThreeSilos), TargetAssignment.Preferred(key, ThreeSilos.Reverse().ToArray()));
        }
    }
}
