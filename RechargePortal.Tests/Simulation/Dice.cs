using System.Text;

namespace RechargePortal.Tests.Simulation;

/// <summary>
/// Seeded choices that do not depend on the order threads ask in: each is a hash of the run's seed
/// and what is being decided (a reference, an operation, the call's number), so the fault a given
/// request meets is the same in every replay of the seed. Not <see cref="string.GetHashCode()"/>:
/// that one changes per process.
/// </summary>
internal static class Dice
{
    /// <summary>A number in [0, 1) fixed by the seed and the parts.</summary>
    public static double Unit(int seed, params object[] parts)
    {
        var hash = 14695981039346656037UL;
        void Mix(string text)
        {
            foreach (var b in Encoding.UTF8.GetBytes(text))
            {
                hash = (hash ^ b) * 1099511628211UL;
            }

            hash = (hash ^ 0x1F) * 1099511628211UL;
        }

        Mix(seed.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var part in parts)
        {
            Mix(Convert.ToString(part, System.Globalization.CultureInfo.InvariantCulture) ?? "");
        }

        // SplitMix64's finaliser spreads FNV's weak low bits.
        hash ^= hash >> 30;
        hash *= 0xBF58476D1CE4E5B9UL;
        hash ^= hash >> 27;
        hash *= 0x94D049BB133111EBUL;
        hash ^= hash >> 31;
        return (hash >> 11) * (1.0 / (1UL << 53));
    }

    /// <summary>An integer in [min, max] fixed by the seed and the parts.</summary>
    public static int Between(int min, int max, int seed, params object[] parts) =>
        min + (int)Math.Floor(Unit(seed, parts) * (max - min + 1));

    /// <summary>One of <paramref name="table"/>'s values, each as likely as its weight.</summary>
    public static T Pick<T>(IReadOnlyList<(T Value, double Weight)> table, double unit)
    {
        var total = table.Sum(t => t.Weight);
        var at = unit * total;
        foreach (var (value, weight) in table)
        {
            if (at < weight)
            {
                return value;
            }

            at -= weight;
        }

        return table.Last(t => t.Weight > 0).Value;
    }
}
