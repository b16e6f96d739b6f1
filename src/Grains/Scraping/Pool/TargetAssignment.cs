using System.IO.Hashing;
using System.Text;

namespace Pipeline.Grains.Scraping.Pool;

/// <summary>
/// Chooses a silo for each target of a scrape job: consistent hashing with bounded loads. Each target
/// ranks the silos by a hash of (target, silo) (rendezvous hashing, so a silo joining or leaving moves
/// few targets) and takes the best-ranked silo that has fewer than <c>ceil(targets / silos)</c> targets,
/// so no silo gets more than its even share, rounded up (a little more for keys that stay put).
/// </summary>
public static class TargetAssignment
{
    /// <summary>
    /// The silo of each key (keys in any order; the outcome does not depend on it). A key keeps its
    /// <paramref name="previous"/> silo while that silo is still listed and holds no more than its share plus
    /// <paramref name="slack"/> (a fraction), so targets move only when a silo comes or goes or the loads drift
    /// apart. Pass no slack when the silos changed, to even the load out at once.
    /// </summary>
    public static Dictionary<string, string> Assign(IReadOnlyCollection<string> keys, IReadOnlyList<string> silos, IReadOnlyDictionary<string, string>? previous = null, double slack = 0)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(silos);
        var result = new Dictionary<string, string>(keys.Count, StringComparer.Ordinal);
        if (silos.Count == 0 || keys.Count == 0)
        {
            return result;
        }

        var share = (double)keys.Count / silos.Count;
        var capacity = (int)Math.Ceiling(share);
        var keepCapacity = Math.Max(capacity, (int)Math.Floor(share * (1 + slack)));
        var index = new Dictionary<string, int>(silos.Count, StringComparer.Ordinal);
        for (var s = 0; s < silos.Count; s++)
        {
            index[silos[s]] = s;
        }

        var load = new int[silos.Count];
        var sorted = keys.Order(StringComparer.Ordinal).ToList();
        var unplaced = new List<string>();
        foreach (var key in sorted)
        {
            if (previous is not null && previous.TryGetValue(key, out var was) && index.TryGetValue(was, out var at) && load[at] < keepCapacity)
            {
                load[at]++;
                result[key] = was;
            }
            else
            {
                unplaced.Add(key);
            }
        }

        var siloSeeds = silos.Select(s => XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(s))).ToArray();
        var ranks = new (ulong Weight, int Silo)[silos.Count];
        foreach (var key in unplaced)
        {
            var keyHash = XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(key));
            for (var s = 0; s < silos.Count; s++)
            {
                ranks[s] = (Mix(keyHash ^ siloSeeds[s]), s);
            }

            Array.Sort(ranks, static (a, b) => b.Weight.CompareTo(a.Weight));
            var placed = false;
            foreach (var (_, silo) in ranks)
            {
                if (load[silo] < capacity)
                {
                    load[silo]++;
                    result[key] = silos[silo];
                    placed = true;
                    break;
                }
            }

            if (!placed)
            {
                // Every silo is at its share (kept keys used the slack): the least loaded takes it.
                var least = Array.IndexOf(load, load.Min());
                load[least]++;
                result[key] = silos[least];
            }
        }

        return result;
    }

    /// <summary>How far above its even share a silo may stay before keys are moved off it while the silos stay the same (5%).</summary>
    public const double Slack = 0.05;

    /// <summary>The silo a lone key would take among <paramref name="silos"/> (rendezvous hashing, no load bound).</summary>
    public static string Preferred(string key, IReadOnlyList<string> silos)
    {
        var keyHash = XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(key));
        var best = silos[0];
        var bestWeight = 0UL;
        foreach (var silo in silos)
        {
            var weight = Mix(keyHash ^ XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(silo)));
            if (weight >= bestWeight)
            {
                (best, bestWeight) = (silo, weight);
            }
        }

        return best;
    }

    // SplitMix64's finaliser: spreads the combined hash so neighbouring inputs rank silos independently.
    private static ulong Mix(ulong x)
    {
        x ^= x >> 30;
        x *= 0xbf58476d1ce4e5b9UL;
        x ^= x >> 27;
        x *= 0x94d049bb133111ebUL;
        return x ^ (x >> 31);
    }
}
