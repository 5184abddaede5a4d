namespace Aggregator.Domain.AnnualReports;

/// <summary>
/// Percentages of parts listed together. When the parts make up the whole, they are rounded by largest remainder so
/// that they add up to exactly 100 (1 : 1 : 1 → 33 / 33 / 34, the later part taking the point on a tie, as published
/// reports write it); otherwise each is rounded on its own.
/// </summary>
public static class Shares
{
    public static IReadOnlyList<decimal> Of(IReadOnlyList<decimal> parts, decimal total, int decimals)
    {
        if (total <= 0) throw new ArgumentOutOfRangeException(nameof(total), "A share of nothing has no value.");
        var scale = Pow10(decimals);
        var exact = parts.Select(part => part * 100m * scale / total).ToArray();
        if (parts.Sum() != total || parts.Any(part => part < 0))
            return exact.Select(share => decimal.Round(share, MidpointRounding.AwayFromZero) / scale).ToList();

        var floors = exact.Select(decimal.Floor).ToArray();
        var left = (int)(100m * scale - floors.Sum());
        var order = Enumerable.Range(0, parts.Count)
            .OrderByDescending(i => exact[i] - floors[i]).ThenByDescending(i => i)
            .Take(left);
        foreach (var i in order) floors[i] += 1;
        return floors.Select(share => share / scale).ToList();
    }

    private static decimal Pow10(int decimals)
    {
        var scale = 1m;
        for (var i = 0; i < decimals; i++) scale *= 10m;
        return scale;
    }
}
