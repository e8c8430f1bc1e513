using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace SvqVideo.Bench;

/// <summary>Renders a report as Markdown tables (the form BENCHMARKS.md records).</summary>
internal static class ReportTables
{
    public static string Render(JsonObject report)
    {
        var sb = new StringBuilder();
        var m = (JsonObject)report["machine"]!;
        sb.AppendLine(Inv($"# SvqVideo benchmark, {report["date"]}"));
        sb.AppendLine(Inv($"CPU {m["cpu"]}, {m["logical_cores"]} logical cores, {m["torch_threads"]} torch threads, load average before {m["load_average_before"]}, after {report["load_average_after"]}; libtorch {m["libtorch"]}, .NET {m["dotnet"]}{((bool)m["quick"]! ? ", QUICK run" : "")}"));
        sb.AppendLine();
        if (report["machine_limit"] is JsonObject limit)
        {
            sb.AppendLine("| machine limit | GFLOP/s (multiply-adds) |");
            sb.AppendLine("|---|---|");
            sb.AppendLine(Inv($"| fp32 GEMM 2048³ | {F(limit["gemm_gflops"])} (= {F(limit["gemm_gflops_2n3"])} counting 2·n³) |"));
            sb.AppendLine(Inv($"| conv 3×3, 8×128×64×64 → 128 | {F(limit["conv3x3_gflops"])} |"));
            sb.AppendLine();
        }

        double gemm = report["machine_limit"] is JsonObject l ? (double)l["gemm_gflops"]! : double.NaN;
        foreach (var section in new[] { "models", "translators" })
        {
            if (report[section] is not JsonArray rows)
            {
                continue;
            }

            sb.AppendLine("| model | quantizer | params | GFLOPs/seq | infer seq/s | infer GFLOP/s (% GEMM) | train seq/s | train GFLOP/s (% GEMM) | peak RSS infer / train MiB | GEMM GFLOP/s around infer |");
            sb.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
            foreach (var r in rows.OfType<JsonObject>())
            {
                if (r["error"] is not null)
                {
                    sb.AppendLine(Inv($"| error | | {r["error"]} | | | | | | | |"));
                    continue;
                }

                double ig = (double)r["inference_gflops"]!, tg = (double)r["training_gflops"]!;
                sb.AppendLine(Inv($"| {r["size"]} {r["model_type"]} | {r["quantizer"]} | {(long)r["parameters"]!:N0} | {(double)r["flops_per_sequence"]! / 1e9:F3} | {F(r["inference_seq_per_s"])} | {ig:F1} ({100 * ig / gemm:F0} %) | {F(r["training_seq_per_s"])} | {tg:F1} ({100 * tg / gemm:F0} %) | {(double)r["inference_peak_rss_mib"]!:F0} / {(double)r["training_peak_rss_mib"]!:F0} | {F(r["gemm_gflops_around_inference"])} |"));
            }

            sb.AppendLine();
        }

        if (report["svq_overhead"] is JsonArray overhead)
        {
            sb.AppendLine("| SVQ fast path over no quantizer (interleaved pairs, median) | N | inference time | training time |");
            sb.AppendLine("|---|---|---|---|");
            foreach (var r in overhead.OfType<JsonObject>())
            {
                sb.AppendLine(r["error"] is not null
                    ? Inv($"| error | {r["error"]} | | |")
                    : Inv($"| {r["size"]} {r["model_type"]} ({r["pairs"]} pairs) | {r["codes"]} | {(double)r["inference_overhead_percent"]!:+0.0;-0.0} % | {(double)r["training_overhead_percent"]!:+0.0;-0.0} % |"));
            }

            sb.AppendLine();
        }

        if (report["svq_module"] is JsonArray svq)
        {
            sb.AppendLine("| SVQ module, 40,960 tokens, C' = 64 | path | forward s | forward+backward s | peak RSS MiB (over start) |");
            sb.AppendLine("|---|---|---|---|---|");
            foreach (var r in svq.OfType<JsonObject>())
            {
                sb.AppendLine(r["error"] is not null
                    ? Inv($"| error | {r["error"]} | | | |")
                    : Inv($"| N = {r["codes"]} | {r["path"]} | {F(r["forward_seconds"])} | {F(r["forward_backward_seconds"])} | {(double)r["peak_rss_mib"]!:F0} ({(double)r["peak_over_start_mib"]!:F0}) |"));
            }

            sb.AppendLine();
        }

        if (report["forecast"] is JsonObject f)
        {
            sb.AppendLine(Inv($"Forecast ({f["mode"]}, {f["model"]}): {f["input_frames"]} frames in, {f["forecast_frames"]} forecast, {f["output_frames"]} written: {F(f["seconds"])} s, {F(f["input_frames_per_s"])} input frames/s (decode {F(f["last_decode_seconds"])} s, predict {F(f["last_predict_seconds"])} s, encode {F(f["last_encode_seconds"])} s)."));
            sb.AppendLine();
        }

        if (report["forecast_fit"] is JsonArray fits)
        {
            sb.AppendLine("| clip | size | fit | model size | residual | warp | flow prior | steps | wall s | MSE model | MSE copy-last | MSE blank | model / copy-last | undamped / copy-last | --full-size motion / copy-last | SSIM model | SSIM copy-last | SSIM --full-size motion |");
            sb.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
            foreach (var r in fits.OfType<JsonObject>())
            {
                sb.AppendLine(r["error"] is { } e ? Inv($"| {e} |") : Inv($"| {r["kind"]} | {r["width"]}x{r["height"]}x{r["channels"]} | {r["fit"]} | {r["model_size"]} | {r["residual"]} | {r["warp"]} | {(r["flow_prior"] is null ? "—" : r["flow_prior"])} | {r["steps"]} | {F(r["wall_seconds"])} | {F(r["mse_model"])} | {F(r["mse_copy_last_frame"])} | {F(r["mse_blank_frame"])} | {F(r["ratio_to_copy_last"])} | {(r["ratio_undamped_to_copy_last"] is null ? "—" : F(r["ratio_undamped_to_copy_last"]))} | {(r["ratio_motion_rule_to_copy_last"] is null ? "—" : F(r["ratio_motion_rule_to_copy_last"]))} | {F(r["ssim_model"])} | {F(r["ssim_copy_last_frame"])} | {(r["ssim_model_motion_rule"] is null ? "—" : F(r["ssim_model_motion_rule"]))} |"));
            }

            sb.AppendLine();
        }

        if (report["long_video"] is JsonArray longs)
        {
            sb.AppendLine("| video | mode | frames | wall s | read s | peak RSS MiB | fit steps | fit window | MSE model | MSE copy-last | MSE blank | model / copy-last |");
            sb.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
            foreach (var r in longs.OfType<JsonObject>())
            {
                var window = r["fit_window"] is JsonObject w ? Inv($"{w["start"]}-{w["end"]}") : "—";
                sb.AppendLine(r["error"] is { } e ? Inv($"| {e} |") : Inv($"| {r["width"]}x{r["height"]}, {F(r["seconds_of_video"])} s | {r["mode"]}{(r["budget"] is null ? "" : " " + r["budget"])} | {r["frames"]} | {F(r["wall_seconds"])} | {F(r["read_seconds"])} | {F(r["peak_rss_mib"])} | {r["fit_steps"] ?? "—"} | {window} | {F(r["mse_model"])} | {F(r["mse_copy_last_frame"])} | {F(r["mse_blank_frame"])} | {F(r["ratio_to_copy_last"])} |"));
            }

            sb.AppendLine();
        }

        if (report["streaming"] is JsonObject s)
        {
            sb.AppendLine(Inv($"Streaming: {s["frames"]} frames pushed, {s["forecasts"]} forecasts, {F(s["seconds"])} s ({F(s["frames_per_s"])} frames/s); RSS {F(s["rss_start_mib"])} MiB at start, {F(s["rss_end_mib"])} MiB at end, max {F(s["rss_max_mib"])} MiB ({F(s["rss_growth_percent"])} %)."));
            sb.AppendLine();
        }

        if (report["onnx"] is JsonObject onnx)
        {
            sb.AppendLine("| model | quantizer | libtorch infer seq/s | ONNX Runtime infer seq/s | ORT / libtorch | peak RSS libtorch / ORT MiB | .onnx MiB |");
            sb.AppendLine("|---|---|---|---|---|---|---|");
            foreach (var r in ((JsonArray)onnx["rows"]!).OfType<JsonObject>())
            {
                sb.AppendLine(r["error"] is not null || r["ort_inference_seq_per_s"] is null
                    ? Inv($"| error | | {r["error"] ?? "the ONNX Runtime measurement failed"} | | | | |")
                    : Inv($"| {r["size"]} {r["model_type"]} | {r["quantizer"]} | {F(r["torch_inference_seq_per_s"])} | {F(r["ort_inference_seq_per_s"])} | {(double)r["ort_inference_seq_per_s"]! / (double)r["torch_inference_seq_per_s"]!:F2}x | {(double)r["torch_inference_peak_rss_mib"]!:F0} / {(double)r["ort_inference_peak_rss_mib"]!:F0} | {F(r["onnx_file_mib"])} |"));
            }

            var fp = (JsonObject)onnx["footprint"]!;
            sb.AppendLine();
            sb.AppendLine(Inv($"Native footprint on disk: libtorch {F(fp["libtorch_native_mib"])} MiB, onnx plugin folder (ONNX Runtime) {F(fp["onnx_plugin_mib"])} MiB: {F(fp["ratio"])}x smaller."));
            sb.AppendLine();
        }

        if (report["targets"] is JsonArray targets && targets.Count > 0)
        {
            sb.AppendLine("| target | goal | measured | met |");
            sb.AppendLine("|---|---|---|---|");
            foreach (var t in targets.OfType<JsonObject>())
            {
                sb.AppendLine(Inv($"| {t["target"]} | {t["goal"]} | {t["measured"]} | {((bool)t["met"]! ? "yes" : "NO")} |"));
            }
        }

        return sb.ToString();
    }

    private static string F(JsonNode? value)
    {
        if (value is null)
        {
            return "-";
        }

        double v = (double)value;
        return v.ToString(Math.Abs(v) >= 100 ? "F0" : Math.Abs(v) >= 10 ? "F1" : Math.Abs(v) >= 1 ? "F2" : "F3", CultureInfo.InvariantCulture);
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
