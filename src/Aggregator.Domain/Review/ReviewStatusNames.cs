namespace Aggregator.Domain.Review;

/// <summary>
/// The one set of words for a unit's report status wherever a person reads it: the dashboard page, the workbook, the
/// CSV and the API's labels. Programs read the codes (<c>accepted</c>, <c>submitted</c>, <c>returned</c>,
/// <c>missing</c>); people read these.
/// </summary>
public static class ReviewStatusNames
{
    public const string Accepted = "已采用";
    public const string Submitted = "待审核";
    public const string Returned = "已退回";
    public const string Missing = "未报送";

    /// <summary>The word for a status code; a code added later reads as it is.</summary>
    public static string Of(string status) => status switch
    {
        "accepted" => Accepted,
        "submitted" => Submitted,
        "returned" => Returned,
        "missing" => Missing,
        _ => status,
    };
}
