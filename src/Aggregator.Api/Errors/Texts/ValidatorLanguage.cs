using FluentValidation.Resources;

namespace Aggregator.Api.Errors.Texts;

/// <summary>
/// FluentValidation's own messages (NotEmpty, InclusiveBetween…) in Chinese. The library has them, filed under
/// <c>zh-Hans</c>, but finds a language by the culture's name, and without ICU that name is normalised
/// (<c>zh-HANS</c>) and never matches: these are its translations, filed under the name our Chinese culture has.
/// English stays the library's own.
/// </summary>
public static class ValidatorLanguage
{
    private static readonly Dictionary<string, string> Chinese = new(StringComparer.Ordinal)
    {
        ["EmailValidator"] = "'{PropertyName}' 不是有效的电子邮件地址。",
        ["GreaterThanOrEqualValidator"] = "'{PropertyName}' 必须大于或等于 '{ComparisonValue}'。",
        ["GreaterThanValidator"] = "'{PropertyName}' 必须大于 '{ComparisonValue}'。",
        ["LengthValidator"] = "'{PropertyName}' 的长度必须在 {MinLength} 到 {MaxLength} 个字符之间，当前为 {TotalLength} 个字符。",
        ["MinimumLengthValidator"] = "'{PropertyName}' 至少 {MinLength} 个字符，当前为 {TotalLength} 个字符。",
        ["MaximumLengthValidator"] = "'{PropertyName}' 最多 {MaxLength} 个字符，当前为 {TotalLength} 个字符。",
        ["LessThanOrEqualValidator"] = "'{PropertyName}' 必须小于或等于 '{ComparisonValue}'。",
        ["LessThanValidator"] = "'{PropertyName}' 必须小于 '{ComparisonValue}'。",
        ["NotEmptyValidator"] = "'{PropertyName}' 不能为空。",
        ["NotEqualValidator"] = "'{PropertyName}' 不能等于 '{ComparisonValue}'。",
        ["NotNullValidator"] = "'{PropertyName}' 不能为 null。",
        ["PredicateValidator"] = "'{PropertyName}' 不符合指定的条件。",
        ["AsyncPredicateValidator"] = "'{PropertyName}' 不符合指定的条件。",
        ["RegularExpressionValidator"] = "'{PropertyName}' 的格式不正确。",
        ["EqualValidator"] = "'{PropertyName}' 必须等于 '{ComparisonValue}'。",
        ["ExactLengthValidator"] = "'{PropertyName}' 必须是 {MaxLength} 个字符，当前为 {TotalLength} 个字符。",
        ["InclusiveBetweenValidator"] = "'{PropertyName}' 必须在 {From} 到 {To} 之间（含两端），当前为 {PropertyValue}。",
        ["ExclusiveBetweenValidator"] = "'{PropertyName}' 必须在 {From} 到 {To} 之间（不含两端），当前为 {PropertyValue}。",
        ["CreditCardValidator"] = "'{PropertyName}' 不是有效的信用卡号。",
        ["ScalePrecisionValidator"] = "'{PropertyName}' 总位数不能超过 {ExpectedPrecision} 位，其中小数 {ExpectedScale} 位；当前为 {Digits} 位数字、{ActualScale} 位小数。",
        ["EmptyValidator"] = "'{PropertyName}' 必须为空。",
        ["NullValidator"] = "'{PropertyName}' 必须为 null。",
        ["EnumValidator"] = "'{PropertyName}' 的取值范围不包含 '{PropertyValue}'。",
        ["Length_Simple"] = "'{PropertyName}' 的长度必须在 {MinLength} 到 {MaxLength} 个字符之间。",
        ["MinimumLength_Simple"] = "'{PropertyName}' 至少 {MinLength} 个字符。",
        ["MaximumLength_Simple"] = "'{PropertyName}' 最多 {MaxLength} 个字符。",
        ["ExactLength_Simple"] = "'{PropertyName}' 必须是 {MaxLength} 个字符。",
        ["InclusiveBetween_Simple"] = "'{PropertyName}' 必须在 {From} 到 {To} 之间（含两端）。",
        ["ExclusiveBetween_Simple"] = "'{PropertyName}' 必须在 {From} 到 {To} 之间（不含两端）。",
    };

    /// <summary>Files the Chinese messages under the name of <see cref="ProblemLanguage.Chinese"/>.</summary>
    public static void Register(LanguageManager languages)
    {
        foreach (var (key, message) in Chinese) languages.AddTranslation(ProblemLanguage.Chinese.Name, key, message);
    }
}
