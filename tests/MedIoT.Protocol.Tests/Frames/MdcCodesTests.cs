using MedIoT.Protocol.Frames;

namespace MedIoT.Protocol.Tests.Frames;

public sealed class MdcCodesTests
{
    [Theory]
    [InlineData(150456, "%", "MDC_PULS_OXIM_SAT_O2")]
    [InlineData(149530, "/min", "MDC_PULS_OXIM_PULS_RATE")]
    [InlineData(147842, "/min", "MDC_ECG_HEART_RATE")]
    [InlineData(151562, "/min", "MDC_RESP_RATE")]
    [InlineData(150364, "Cel", "MDC_TEMP_BODY")]
    [InlineData(150021, "mm[Hg]", "MDC_PRESS_BLD_NONINV_SYS")]
    [InlineData(150022, "mm[Hg]", "MDC_PRESS_BLD_NONINV_DIA")]
    [InlineData(150023, "mm[Hg]", "MDC_PRESS_BLD_NONINV_MEAN")]
    [InlineData(150448, "%", "MDC_PULS_OXIM_PERF_REL")]
    public void Each_code_has_its_UCUM_unit_and_reference_id(int code, string unit, string referenceId)
    {
        Assert.True(MdcCodes.TryGetUnit(code, out var actual));
        Assert.Equal(unit, actual);
        Assert.Equal(referenceId, MdcCodes.GetReferenceId(code));
        Assert.Contains(code, MdcCodes.All);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-150456)]
    [InlineData(150457)]
    public void Unknown_codes_have_no_unit(int code)
    {
        Assert.False(MdcCodes.TryGetUnit(code, out var unit));
        Assert.Null(unit);
        Assert.Null(MdcCodes.GetReferenceId(code));
    }
}
