package io.wsboot.benchmarks.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.DoubleUnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Turns a results folder of {@code benchmarks/run} into the table of medians, ratios to
 * bare Reactor Netty and targets: printed, and written as Markdown when a file is given.
 * The folder holds {@code results.jsonl} (one line per load-generator run),
 * {@code run.properties} (machine, JVM, flags, date) and, when JMH ran, {@code jmh.csv}.
 * The runs of the cluster mode get tables of their own.
 * <p>
 * Usage: {@code Report <results folder> [<RESULTS.md>]}.
 *
 * @since 0.1.0
 */
public final class Report {

	static final String BARE = "bare";

	static final String DEFAULT = "wsboot-default";

	static final String SEED = "wsboot-seed";

	static final String CLUSTER = "cluster";

	static final String CLUSTER_SERVER = "wsboot-cluster";

	private static final Pattern JSON_FIELD = Pattern.compile("\"([^\"]+)\":(\"([^\"]*)\"|[^,}]+)");

	private static final Detail LATENCY_P99 = Detail.info("latency p99", "p99Us", "µs");

	private static final Detail CPU_PER_MESSAGE = Detail.info("server CPU per message", "serverUsPerOp", "µs");

	private static final List<Figure> FIGURES = List.of(
			new Figure("echo 100 conns × 1 in flight × 64 B text", "echo-64", "msgsPerSec", "msgs/s",
					Target.ratioMin(0.90), true)
				.with(Detail.info("latency p50", "p50Us", "µs"),
						new Detail("latency p99", "p99Us", "µs", Target.ratioMax(1.2)),
						Detail.info("latency p99.9", "p999Us", "µs"), CPU_PER_MESSAGE),
			new Figure("echo 100 × 16 in flight × 64 B text", "echo-64x16", "msgsPerSec", "msgs/s",
					Target.ratioMin(0.85), true)
				.with(LATENCY_P99, CPU_PER_MESSAGE),
			new Figure("echo 10 × 1 × 16 KiB binary", "echo-16k", "mbPerSec", "MB/s", Target.ratioMin(0.90), true)
				.with(LATENCY_P99, CPU_PER_MESSAGE),
			new Figure("handshakes/s (connect, upgrade, close)", "connect", "handshakesPerSec", "/s",
					Target.ratioMin(0.80), true)
				.with(Detail.info("server CPU per handshake", "serverUsPerOp", "µs"),
						Detail.info("failures", "failures", "")),
			new Figure("idle 10,000: heap after GC per connection", "idle", "heapPerConnB", "B",
					Target.ratioMaxAndAbsMax(1.3, 12 * 1024), false)
				.with(Detail.info("RSS growth per connection outside the heap", "rssPerConnB", "B")),
			new Figure("broadcast to 10,000: last delivery, p99 of 20", "fanout", "lastP99Ms", "ms", Target.absMax(100),
					true)
				.with(Detail.info("p50 of 20", "lastP50Ms", "ms"),
						Detail.info("p99 from the server's timestamp", "serverToLastP99Ms", "ms")));

	private final List<Map<String, String>> results = new ArrayList<>();

	private final Properties run = new Properties();

	private final Map<String, double[]> jmh = new LinkedHashMap<>();

	private final List<String> missed = new ArrayList<>();

	Report(Path folder) throws IOException {
		Path jsonl = folder.resolve("results.jsonl");
		if (Files.exists(jsonl)) {
			for (String line : Files.readAllLines(jsonl)) {
				if (!line.isBlank()) {
					this.results.add(derive(parse(line)));
				}
			}
		}
		Path properties = folder.resolve("run.properties");
		if (Files.exists(properties)) {
			try (var reader = Files.newBufferedReader(properties)) {
				this.run.load(reader);
			}
		}
		Path csv = folder.resolve("jmh.csv");
		if (Files.exists(csv)) {
			readJmh(csv);
		}
	}

	public static void main(String[] args) throws IOException {
		if (args.length < 1) {
			System.err.println("Usage: Report <results folder> [<RESULTS.md>]");
			System.exit(2);
		}
		Report report = new Report(Path.of(args[0]));
		String table = report.table();
		System.out.println(table);
		String cluster = report.clusterTables();
		if (!cluster.isEmpty()) {
			System.out.println(cluster);
		}
		if (!report.missed.isEmpty()) {
			System.out.println("Targets missed:");
			report.missed.forEach((line) -> System.out.println("- " + line));
		}
		if (args.length > 1) {
			Files.writeString(Path.of(args[1]), report.markdown(table));
			System.out.println("Written " + args[1]);
		}
	}

	static Map<String, String> parse(String line) {
		Map<String, String> values = new LinkedHashMap<>();
		Matcher matcher = JSON_FIELD.matcher(line);
		while (matcher.find()) {
			values.put(matcher.group(1), (matcher.group(3) != null) ? matcher.group(3) : matcher.group(2).trim());
		}
		return values;
	}

	/**
	 * Add the server's CPU time per operation, which holds even where the load generator
	 * sets the pace.
	 */
	static Map<String, String> derive(Map<String, String> result) {
		double cpu = number(result.getOrDefault("serverCpu", "NaN"));
		double rate = number(result.getOrDefault("msgsPerSec", result.getOrDefault("handshakesPerSec", "NaN")));
		if (cpu > 0 && rate > 0) {
			result.put("serverUsPerOp", String.format(Locale.ROOT, "%.3f", cpu * 1e6 / rate));
		}
		return result;
	}

	private void readJmh(Path csv) throws IOException {
		List<String> lines = Files.readAllLines(csv);
		if (lines.isEmpty()) {
			return;
		}
		List<String> header = splitCsv(lines.get(0));
		int score = header.indexOf("Score");
		int error = header.indexOf("Score Error (99.9%)");
		List<Integer> params = new ArrayList<>();
		for (int i = 0; i < header.size(); i++) {
			if (header.get(i).startsWith("Param: ")) {
				params.add(i);
			}
		}
		for (String line : lines.subList(1, lines.size())) {
			List<String> cells = splitCsv(line);
			StringBuilder key = new StringBuilder(cells.get(0).replace("io.wsboot.benchmarks.jmh.", ""));
			for (int i : params) {
				if (i < cells.size() && !cells.get(i).isEmpty()) {
					key.append(' ').append(header.get(i).substring(7)).append('=').append(cells.get(i));
				}
			}
			this.jmh.put(key.toString(), new double[] { number(cells.get(score)), number(cells.get(error)) });
		}
	}

	private static List<String> splitCsv(String line) {
		List<String> cells = new ArrayList<>();
		StringBuilder cell = new StringBuilder();
		boolean quoted = false;
		for (char c : line.toCharArray()) {
			if (c == '"') {
				quoted = !quoted;
			}
			else if (c == ',' && !quoted) {
				cells.add(cell.toString());
				cell.setLength(0);
			}
			else {
				cell.append(c);
			}
		}
		cells.add(cell.toString());
		return cells;
	}

	private static double number(String text) {
		try {
			return Double.parseDouble(text);
		}
		catch (NumberFormatException ex) {
			return Double.NaN;
		}
	}

	/**
	 * Return the median of a figure over the rounds.
	 */
	@Nullable Double median(String label, String server, String metric) {
		List<Double> values = new ArrayList<>();
		for (Map<String, String> result : this.results) {
			if (label.equals(result.get("label")) && server.equals(result.get("server"))
					&& result.containsKey(metric)) {
				double value = number(result.get(metric));
				// A negative CPU share means unknown; other figures (RSS growth) may be
				// negative
				if (!Double.isNaN(value) && (value >= 0 || !metric.endsWith("Cpu"))) {
					values.add(value);
				}
			}
		}
		if (values.isEmpty()) {
			return null;
		}
		Collections.sort(values);
		int n = values.size();
		return (n % 2 == 1) ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
	}

	String table() {
		StringBuilder out = new StringBuilder();
		out.append("| figure | bare | wsboot default | ×bare | wsboot seed | ×bare | target | default · seed | ")
			.append("CPU load-gen/server: bare · default · seed |\n");
		out.append("| --- | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |\n");
		for (Figure figure : FIGURES) {
			medianRow(out, figure.name(), figure.name(), figure.label(), figure.metric(), figure.unit(),
					figure.target(), figure.cpu() ? cpu(figure.label()) : "");
			for (Detail detail : figure.details()) {
				medianRow(out, "  " + detail.name(), figure.name() + ", " + detail.name(), figure.label(),
						detail.metric(), detail.unit(), detail.target(), "");
			}
		}
		jmhRows(out);
		return out.toString();
	}

	private void medianRow(StringBuilder out, String name, String fullName, String label, String metric, String unit,
			Target target, String cpu) {
		Double bare = median(label, BARE, metric);
		Double wsDefault = median(label, DEFAULT, metric);
		Double wsSeed = median(label, SEED, metric);
		row(out, name, fullName, unit, bare, wsDefault, wsSeed, target, cpu);
	}

	private void jmhRows(StringBuilder out) {
		for (String type : List.of("text", "binary")) {
			Double bare = jmhAlloc("MessagePathBenchmark.echo", "server=bare", "type=" + type);
			Double wsboot = jmhAlloc("MessagePathBenchmark.echo", "server=wsboot", "type=" + type);
			String name = "allocation per echoed 64 B " + type + " message (JMH)";
			row(out, name, name, "B", bare, wsboot, null, Target.diffMax(200), "");
		}
		Double bare = jmhAlloc("HandshakePathBenchmark.handshake", "server=bare");
		Double wsDefault = jmhAlloc("HandshakePathBenchmark.handshake", "server=wsboot-default");
		Double wsSeed = jmhAlloc("HandshakePathBenchmark.handshake", "server=wsboot-seed");
		row(out, "allocation per handshake (JMH)", "allocation per handshake (JMH)", "B", bare, wsDefault, wsSeed,
				Target.info(), "");
	}

	private @Nullable Double jmhAlloc(String benchmark, String... params) {
		for (Map.Entry<String, double[]> entry : this.jmh.entrySet()) {
			String key = entry.getKey();
			if (!key.startsWith(benchmark + ":gc.alloc.rate.norm ")) {
				continue;
			}
			boolean all = true;
			for (String param : params) {
				all = all && key.contains(" " + param);
			}
			if (all) {
				return entry.getValue()[0];
			}
		}
		return null;
	}

	private void row(StringBuilder out, String name, String fullName, String unit, @Nullable Double bare,
			@Nullable Double wsDefault, @Nullable Double wsSeed, Target target, String cpu) {
		if (bare == null && wsDefault == null && wsSeed == null) {
			return;
		}
		out.append("| ").append(name).append(unit.isEmpty() ? "" : " (" + unit + ")").append(" | ");
		out.append(format(bare)).append(" | ");
		out.append(format(wsDefault)).append(" | ").append(ratio(wsDefault, bare)).append(" | ");
		out.append(format(wsSeed)).append(" | ").append(ratio(wsSeed, bare)).append(" | ");
		out.append(target.text()).append(" | ");
		if (target.kind() == Target.Kind.INFO) {
			out.append(" | ");
		}
		else {
			String d = check(target, fullName, "wsboot default", wsDefault, bare);
			String s = check(target, fullName, "wsboot seed", wsSeed, bare);
			out.append(d).append(" · ").append(s).append(" | ");
		}
		out.append(cpu).append(" |\n");
	}

	/**
	 * Check a figure of one server against its target, noting a miss.
	 * @return {@code PASS}, {@code MISS} or {@code —}
	 */
	private String check(Target target, String fullName, String server, @Nullable Double value, @Nullable Double bare) {
		String verdict = target.check(value, bare);
		if ("MISS".equals(verdict)) {
			this.missed.add(fullName + " — " + server + ": " + format(value) + " vs bare " + format(bare) + " ("
					+ target.text() + ")");
		}
		return verdict;
	}

	private String cpu(String label) {
		StringBuilder cpu = new StringBuilder();
		for (String server : List.of(BARE, DEFAULT, SEED)) {
			if (cpu.length() > 0) {
				cpu.append(" · ");
			}
			Double loadgen = median(label, server, "loadgenCpu");
			Double srv = median(label, server, "serverCpu");
			cpu.append((loadgen != null) ? String.format(Locale.ROOT, "%.2f", loadgen) : "—")
				.append('/')
				.append((srv != null) ? String.format(Locale.ROOT, "%.2f", srv) : "—");
		}
		return cpu.toString();
	}

	static String format(@Nullable Double value) {
		if (value == null) {
			return "—";
		}
		double v = value;
		if (Math.abs(v) >= 1000) {
			return String.format(Locale.ROOT, "%,.0f", v);
		}
		if (Math.abs(v) >= 100) {
			return String.format(Locale.ROOT, "%.0f", v);
		}
		if (v == Math.rint(v)) {
			return String.format(Locale.ROOT, "%.0f", v);
		}
		if (Math.abs(v) >= 10) {
			return String.format(Locale.ROOT, "%.1f", v);
		}
		return String.format(Locale.ROOT, "%.2f", v);
	}

	static String ratio(@Nullable Double value, @Nullable Double bare) {
		if (value == null || bare == null || bare == 0) {
			return "—";
		}
		return String.format(Locale.ROOT, "%.2f", value / bare);
	}

	String markdown(String table) {
		StringBuilder md = new StringBuilder();
		md.append("# wsboot benchmark results\n\n");
		md.append("Written by `benchmarks/run` on ").append(this.run.getProperty("date", "?")).append(". ");
		md.append("See [docs/performance.md](../docs/performance.md) for how to run it and what each figure means. ");
		md.append("Absolute figures differ a lot between machines: compare only the figures of one run.\n\n");
		md.append("## Machine and settings\n\n");
		md.append("| | |\n| --- | --- |\n");
		property(md, "CPU", "cpu");
		property(md, "cores (nproc)", "nproc");
		property(md, "memory", "memory");
		property(md, "kernel", "kernel");
		property(md, "JVM", "java");
		property(md, "placement", "placement");
		property(md, "server JVM flags (all three servers)", "server_flags");
		property(md, "load generator JVM flags", "loadgen_flags");
		property(md, "rounds", "rounds");
		property(md, "warm-up / measurement per echo and connect run", "timing");
		if (this.run.containsKey("cluster")) {
			property(md, "cluster run", "cluster");
		}
		property(md, "git revision", "git");
		md.append("\n## Medians of the rounds\n\n");
		md.append("×bare is wsboot's median divided by bare Reactor Netty's median from the same run. ");
		md.append("CPU is in cores busy over the measurement (1.00 = one core all the time), for the load ")
			.append("generator and the server; a load generator near 1.00 means it, not the server, set the pace.\n\n");
		md.append(table);
		md.append("\n## Targets missed\n\n");
		if (this.missed.isEmpty()) {
			md.append("None.\n");
		}
		else {
			this.missed.forEach((line) -> md.append("- ").append(line).append('\n'));
		}
		String cluster = clusterTables();
		if (!cluster.isEmpty()) {
			md.append("\n## Cluster\n\n");
			md.append(
					"Two wsboot nodes (`WsbootClusterServer`) sharing a `redis-server`, each in its own JVM with the ")
				.append("servers' flags; medians of the rounds, then each round's figure. A push is asked for by a ")
				.append("client (`push:<fd>:<text>`) and timed until the receiving client, on node A, has it, one at ")
				.append("a time, local and cross-node in turn. Broadcasts are asked for by a client on node B ")
				.append("(`broadcast:<text>`) in batches; a batch is done when every client has each of them.\n\n");
			md.append(cluster);
		}
		if (!this.jmh.isEmpty()) {
			md.append("\n## JMH\n\n");
			md.append("In-process loopback: a server and the raw Netty client in the benchmark's JVM; ")
				.append("`gc.alloc.rate.norm` is every thread's allocation divided by the operations ")
				.append("(messages echoed, handshakes), so it includes the client's share, the same for every server.\n\n");
			md.append("| benchmark | score | ± (99.9%) |\n| --- | ---: | ---: |\n");
			this.jmh.forEach((name, score) -> tableRow(md, name, format(score[0]), format(score[1])));
		}
		md.append("\n## Every run\n\n");
		md.append("| figure | server | round | main figure | p99 | load-gen CPU | server CPU | errors |\n");
		md.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |\n");
		for (Map<String, String> result : this.results) {
			tableRow(md, result.getOrDefault("label", "?"), result.getOrDefault("server", "?"),
					result.getOrDefault("round", "?"), mainFigure(result),
					result.getOrDefault("p99Us", result.getOrDefault("lastP99Ms", "")),
					result.getOrDefault("loadgenCpu", ""), result.getOrDefault("serverCpu", ""), errors(result));
		}
		return md.toString();
	}

	private static String mainFigure(Map<String, String> result) {
		if (result.containsKey("error")) {
			return "failed: " + result.get("error");
		}
		if (result.containsKey("crossP50Us")) {
			return "push p50 " + result.get("localP50Us") + " µs local, " + result.get("crossP50Us")
					+ " µs cross-node; " + result.get("broadcastsPerSec") + " broadcasts/s";
		}
		for (String metric : List.of("msgsPerSec", "handshakesPerSec", "heapPerConnB", "lastP50Ms")) {
			if (result.containsKey(metric)) {
				String unit = switch (metric) {
					case "msgsPerSec" -> " msgs/s";
					case "handshakesPerSec" -> " handshakes/s";
					case "heapPerConnB" -> " B heap/conn (RSS " + result.get("rssPerConnB") + " B/conn)";
					default -> " ms p50";
				};
				return result.get(metric) + unit;
			}
		}
		return "";
	}

	private static String errors(Map<String, String> result) {
		List<String> errors = new ArrayList<>();
		for (String name : List.of("errors", "failures", "stalled", "missed", "lost", "outOfOrder", "pushTimeouts",
				"batchTimeouts")) {
			String value = result.get(name);
			if (value != null && !"0".equals(value)) {
				errors.add(name + " " + value);
			}
		}
		return String.join(", ", errors);
	}

	/**
	 * Return the tables of the cluster runs: push latency, local against cross-node, and
	 * the broadcast rate; empty when no cluster run is in the folder.
	 */
	String clusterTables() {
		List<Map<String, String>> runs = clusterRuns();
		if (runs.isEmpty()) {
			return "";
		}
		StringBuilder out = new StringBuilder();
		out.append("| push, asked for until received | local (client and receiver on node A) | ")
			.append("cross-node (client on node B, receiver on A) | ×local | each round: local/cross-node |\n");
		out.append("| --- | ---: | ---: | ---: | --- |\n");
		for (String[] row : List.of(new String[] { "p50", "P50Us" }, new String[] { "p99", "P99Us" },
				new String[] { "p99.9", "P999Us" })) {
			Double local = median(CLUSTER, CLUSTER_SERVER, "local" + row[1]);
			Double cross = median(CLUSTER, CLUSTER_SERVER, "cross" + row[1]);
			tableRow(out, row[0] + " (µs)", format(local), format(cross), ratio(cross, local),
					rounds(runs, "local" + row[1], "cross" + row[1]));
		}
		tableRow(out, "pushes measured", format(median(CLUSTER, CLUSTER_SERVER, "localPushes")),
				format(median(CLUSTER, CLUSTER_SERVER, "crossPushes")), "", rounds(runs, "localPushes", "crossPushes"));
		Map<String, String> first = runs.get(0);
		out.append('\n');
		tableRow(out,
				"broadcast from a client on node B to " + first.getOrDefault("conns", "?") + " clients ("
						+ first.getOrDefault("connsA", "?") + " on A, " + first.getOrDefault("connsB", "?") + " on B), "
						+ first.getOrDefault("size", "?") + " B text, batches of " + first.getOrDefault("batch", "?"),
				"median", "each round");
		out.append("| --- | ---: | --- |\n");
		clusterRow(out, runs, "broadcasts/s", "broadcastsPerSec");
		clusterRow(out, runs, "deliveries/s", "deliveriesPerSec");
		clusterRow(out, runs, "deliveries lost", "lost");
		clusterRow(out, runs, "deliveries out of order or twice", "outOfOrder");
		clusterRow(out, runs, "CPU: load generator", "loadgenCpu");
		clusterRow(out, runs, "CPU: node A", "nodeACpu");
		clusterRow(out, runs, "CPU: node B", "nodeBCpu");
		clusterRow(out, runs, "CPU: redis-server", "redisCpu");
		return out.toString();
	}

	private List<Map<String, String>> clusterRuns() {
		List<Map<String, String>> runs = new ArrayList<>();
		for (Map<String, String> result : this.results) {
			if (CLUSTER.equals(result.get("label")) && !result.containsKey("error")) {
				runs.add(result);
			}
		}
		return runs;
	}

	private void clusterRow(StringBuilder out, List<Map<String, String>> runs, String name, String metric) {
		tableRow(out, name, format(median(CLUSTER, CLUSTER_SERVER, metric)), rounds(runs, metric));
	}

	/**
	 * Return each round's figures: {@code a · b · c}, or {@code a/x · b/y · c/z} for two
	 * metrics.
	 */
	private static String rounds(List<Map<String, String>> runs, String... metrics) {
		List<String> values = new ArrayList<>();
		for (Map<String, String> run : runs) {
			List<String> figures = new ArrayList<>();
			for (String metric : metrics) {
				String value = run.get(metric);
				figures.add((value != null) ? format(number(value)) : "—");
			}
			values.add(String.join("/", figures));
		}
		return String.join(" · ", values);
	}

	private void property(StringBuilder md, String name, String key) {
		tableRow(md, name, this.run.getProperty(key, "?"));
	}

	/**
	 * Append a row of a Markdown table: {@code | a | b |}.
	 */
	private static void tableRow(StringBuilder out, Object... cells) {
		for (Object cell : cells) {
			out.append("| ").append(cell).append(' ');
		}
		out.append("|\n");
	}

	/**
	 * A line of the table, the main figure of a mode, and the lines below it.
	 */
	record Figure(String name, String label, String metric, String unit, Target target, boolean cpu,
			List<Detail> details) {

		Figure(String name, String label, String metric, String unit, Target target, boolean cpu) {
			this(name, label, metric, unit, target, cpu, List.of());
		}

		Figure with(Detail... details) {
			return new Figure(this.name, this.label, this.metric, this.unit, this.target, this.cpu, List.of(details));
		}

	}

	/**
	 * A line below a {@link Figure}: another figure of the same runs.
	 */
	record Detail(String name, String metric, String unit, Target target) {

		static Detail info(String name, String metric, String unit) {
			return new Detail(name, metric, unit, Target.info());
		}

	}

	/**
	 * What a figure of wsboot must reach.
	 */
	record Target(Kind kind, double ratio, double absolute) {

		enum Kind {

			INFO, RATIO_MIN, RATIO_MAX, ABS_MAX, RATIO_MAX_ABS_MAX, DIFF_MAX

		}

		static Target info() {
			return new Target(Kind.INFO, 0, 0);
		}

		static Target ratioMin(double ratio) {
			return new Target(Kind.RATIO_MIN, ratio, 0);
		}

		static Target ratioMax(double ratio) {
			return new Target(Kind.RATIO_MAX, ratio, 0);
		}

		static Target absMax(double absolute) {
			return new Target(Kind.ABS_MAX, 0, absolute);
		}

		static Target ratioMaxAndAbsMax(double ratio, double absolute) {
			return new Target(Kind.RATIO_MAX_ABS_MAX, ratio, absolute);
		}

		static Target diffMax(double absolute) {
			return new Target(Kind.DIFF_MAX, 0, absolute);
		}

		String text() {
			return switch (this.kind) {
				case INFO -> "";
				case RATIO_MIN -> "≥ " + this.ratio + "×";
				case RATIO_MAX -> "≤ " + this.ratio + "×";
				case ABS_MAX -> "≤ " + format(this.absolute);
				case RATIO_MAX_ABS_MAX -> "≤ " + this.ratio + "× and ≤ " + format(this.absolute);
				case DIFF_MAX -> "≤ bare + " + format(this.absolute);
			};
		}

		String check(@Nullable Double value, @Nullable Double bare) {
			if (value == null) {
				return "—";
			}
			DoubleUnaryOperator ratio = (b) -> value / b;
			boolean pass = switch (this.kind) {
				case INFO -> true;
				case RATIO_MIN -> bare != null && ratio.applyAsDouble(bare) >= this.ratio;
				case RATIO_MAX -> bare != null && ratio.applyAsDouble(bare) <= this.ratio;
				case ABS_MAX -> value <= this.absolute;
				case RATIO_MAX_ABS_MAX ->
					bare != null && ratio.applyAsDouble(bare) <= this.ratio && value <= this.absolute;
				case DIFF_MAX -> bare != null && value - bare <= this.absolute;
			};
			if (bare == null && this.kind != Kind.ABS_MAX) {
				return "—";
			}
			return pass ? "PASS" : "MISS";
		}

	}

}
