using System.Globalization;

namespace RechargePortal.Components.Shared;

/// <summary>Times shown to users are Bangladesh time (Asia/Dhaka, UTC+6, no daylight saving).</summary>
public static class DhakaTime
{
    public static readonly TimeZoneInfo Zone = FindZone();

    public static DateTime FromUtc(DateTime utc) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Zone);

    /// <summary>The UTC instant at which a Bangladesh calendar day begins.</summary>
    public static DateTime StartOfDayUtc(DateOnly day) =>
        TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified), Zone);

    /// <summary>Today's date in Bangladesh.</summary>
    public static DateOnly Today(TimeProvider time) => DateOnly.FromDateTime(FromUtc(time.GetUtcNow().UtcDateTime));

    /// <summary><c>1 Dec 2026, 14:30</c> in Bangladesh time, in the person's language and digits (<see cref="Localization.Display"/>).</summary>
    public static string Format(DateTime? utc, string empty = "—") => Localization.Display.DateTime(utc, empty);

    private static TimeZoneInfo FindZone()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById("Asia/Dhaka");
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            // Machines without tzdata: Bangladesh has kept UTC+6 all year since 2009.
            return TimeZoneInfo.CreateCustomTimeZone("Asia/Dhaka", TimeSpan.FromHours(6), "Bangladesh Time", "BST");
        }
    }
}
