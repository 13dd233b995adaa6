using MedIoT.Alerts.News2;

namespace MedIoT.Alerts.Tests.News2;

/// <summary>Every band boundary of the RCP NEWS2 chart (2017, chart 1): the boundary value and its neighbours.</summary>
public sealed class News2ScoringTests
{
    [Theory]
    [InlineData(7, 3)]
    [InlineData(8, 3)]
    [InlineData(9, 1)]
    [InlineData(10, 1)]
    [InlineData(11, 1)]
    [InlineData(12, 0)]
    [InlineData(13, 0)]
    [InlineData(19, 0)]
    [InlineData(20, 0)]
    [InlineData(21, 2)]
    [InlineData(22, 2)]
    [InlineData(23, 2)]
    [InlineData(24, 2)]
    [InlineData(25, 3)]
    [InlineData(26, 3)]
    [InlineData(8.49, 3)]
    [InlineData(8.5, 1)]
    [InlineData(20.6, 2)]
    public void Respiration_rate_bands(double breathsPerMinute, int expected) =>
        Assert.Equal(expected, News2Scoring.RespirationRate(breathsPerMinute));

    [Theory]
    [InlineData(90, 3)]
    [InlineData(91, 3)]
    [InlineData(92, 2)]
    [InlineData(93, 2)]
    [InlineData(94, 1)]
    [InlineData(95, 1)]
    [InlineData(96, 0)]
    [InlineData(97, 0)]
    [InlineData(100, 0)]
    [InlineData(91.4, 3)]
    [InlineData(91.5, 2)]
    public void SpO2_scale_1_bands(double percent, int expected) =>
        Assert.Equal(expected, News2Scoring.OxygenSaturationScale1(percent));

    [Theory]
    [InlineData(82, false, 3)]
    [InlineData(83, false, 3)]
    [InlineData(84, false, 2)]
    [InlineData(85, false, 2)]
    [InlineData(86, false, 1)]
    [InlineData(87, false, 1)]
    [InlineData(88, false, 0)]
    [InlineData(89, false, 0)]
    [InlineData(91, false, 0)]
    [InlineData(92, false, 0)]
    [InlineData(93, false, 0)]
    [InlineData(94, false, 0)]
    [InlineData(97, false, 0)]
    [InlineData(100, false, 0)]
    [InlineData(83, true, 3)]
    [InlineData(84, true, 2)]
    [InlineData(87, true, 1)]
    [InlineData(88, true, 0)]
    [InlineData(92, true, 0)]
    [InlineData(93, true, 1)]
    [InlineData(94, true, 1)]
    [InlineData(95, true, 2)]
    [InlineData(96, true, 2)]
    [InlineData(97, true, 3)]
    [InlineData(98, true, 3)]
    [InlineData(100, true, 3)]
    public void SpO2_scale_2_bands_on_air_and_on_oxygen(double percent, bool onOxygen, int expected) =>
        Assert.Equal(expected, News2Scoring.OxygenSaturationScale2(percent, onOxygen));

    [Theory]
    [InlineData(false, 0)]
    [InlineData(true, 2)]
    public void Air_scores_0_and_oxygen_2(bool onOxygen, int expected) =>
        Assert.Equal(expected, News2Scoring.AirOrOxygen(onOxygen));

    [Theory]
    [InlineData(89, 3)]
    [InlineData(90, 3)]
    [InlineData(91, 2)]
    [InlineData(92, 2)]
    [InlineData(99, 2)]
    [InlineData(100, 2)]
    [InlineData(101, 1)]
    [InlineData(102, 1)]
    [InlineData(109, 1)]
    [InlineData(110, 1)]
    [InlineData(111, 0)]
    [InlineData(112, 0)]
    [InlineData(218, 0)]
    [InlineData(219, 0)]
    [InlineData(220, 3)]
    [InlineData(221, 3)]
    public void Systolic_blood_pressure_bands(double millimetresOfMercury, int expected) =>
        Assert.Equal(expected, News2Scoring.SystolicBloodPressure(millimetresOfMercury));

    [Theory]
    [InlineData(39, 3)]
    [InlineData(40, 3)]
    [InlineData(41, 1)]
    [InlineData(42, 1)]
    [InlineData(49, 1)]
    [InlineData(50, 1)]
    [InlineData(51, 0)]
    [InlineData(52, 0)]
    [InlineData(89, 0)]
    [InlineData(90, 0)]
    [InlineData(91, 1)]
    [InlineData(92, 1)]
    [InlineData(109, 1)]
    [InlineData(110, 1)]
    [InlineData(111, 2)]
    [InlineData(112, 2)]
    [InlineData(129, 2)]
    [InlineData(130, 2)]
    [InlineData(131, 3)]
    [InlineData(132, 3)]
    public void Pulse_bands(double beatsPerMinute, int expected) =>
        Assert.Equal(expected, News2Scoring.Pulse(beatsPerMinute));

    [Theory]
    [InlineData(Consciousness.Alert, 0)]
    [InlineData(Consciousness.NewConfusion, 3)]
    [InlineData(Consciousness.Voice, 3)]
    [InlineData(Consciousness.Pain, 3)]
    [InlineData(Consciousness.Unresponsive, 3)]
    public void Consciousness_alert_scores_0_and_new_confusion_V_P_U_score_3(Consciousness level, int expected) =>
        Assert.Equal(expected, News2Scoring.ConsciousnessLevel(level));

    [Theory]
    [InlineData(34.9, 3)]
    [InlineData(35.0, 3)]
    [InlineData(35.1, 1)]
    [InlineData(35.2, 1)]
    [InlineData(35.9, 1)]
    [InlineData(36.0, 1)]
    [InlineData(36.1, 0)]
    [InlineData(36.2, 0)]
    [InlineData(37.9, 0)]
    [InlineData(38.0, 0)]
    [InlineData(38.1, 1)]
    [InlineData(38.2, 1)]
    [InlineData(38.9, 1)]
    [InlineData(39.0, 1)]
    [InlineData(39.1, 2)]
    [InlineData(39.2, 2)]
    [InlineData(35.04, 3)]
    [InlineData(35.05, 1)]
    public void Temperature_bands(double degreesCelsius, int expected) =>
        Assert.Equal(expected, News2Scoring.Temperature(degreesCelsius));

    [Theory]
    [InlineData(0, false, News2ResponseBand.Routine)]
    [InlineData(1, false, News2ResponseBand.Low)]
    [InlineData(3, false, News2ResponseBand.Low)]
    [InlineData(4, false, News2ResponseBand.Low)]
    [InlineData(3, true, News2ResponseBand.SingleParameter)]
    [InlineData(4, true, News2ResponseBand.SingleParameter)]
    [InlineData(5, false, News2ResponseBand.Medium)]
    [InlineData(5, true, News2ResponseBand.Medium)]
    [InlineData(6, true, News2ResponseBand.Medium)]
    [InlineData(6, false, News2ResponseBand.Medium)]
    [InlineData(7, false, News2ResponseBand.High)]
    [InlineData(7, true, News2ResponseBand.High)]
    [InlineData(20, true, News2ResponseBand.High)]
    public void Response_bands_including_a_single_3(int aggregate, bool anySingleThree, News2ResponseBand expected) =>
        Assert.Equal(expected, News2Scoring.ResponseBand(aggregate, anySingleThree));

    [Theory]
    [InlineData(1e308, 3)]
    [InlineData(-1e308, 3)]
    public void An_absurd_finite_value_scores_as_extreme_instead_of_overflowing(double value, int expected)
    {
        Assert.Equal(expected, News2Scoring.Pulse(value));
        Assert.Equal(expected, News2Scoring.RespirationRate(value));
        Assert.Equal(expected, News2Scoring.SystolicBloodPressure(value));
    }
}
