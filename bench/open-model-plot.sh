#!/usr/bin/env bash
# Plots the steps of bench/open-model.sh: goodput and latency against the offered rate (PNG, gnuplot).
# Usage: BENCH_CAPACITY=C bench/open-model-plot.sh steps.tsv OUTPUT_DIR
set -euo pipefail
rows=$1 dir=$2 capacity=${BENCH_CAPACITY:-0}
command -v gnuplot >/dev/null || apt-get install -y -q gnuplot-nox >/dev/null
gnuplot <<PLOT
set terminal pngcairo size 900,560 font ",11"
set datafile separator "\t"
set key top left
set grid
set xrange [0:*]
set yrange [0:*]
set output "$dir/open-model-goodput.png"
set title "ballast, bench mix, open model (wrk2): served per second against offered ($(date -u +%Y-%m-%d))"
set xlabel "offered (requests/s)"
set ylabel "requests/s"
plot "$rows" using 1:4 with linespoints lw 2 pt 7 title "2xx/s (goodput)", \
     "$rows" using 1:(\$1*\$6/100) with linespoints lw 2 pt 5 title "503/s (refused at once)", \
     "$rows" using 1:1 with lines dt 2 lc "gray" title "offered", \
     $capacity with lines dt 3 lc "black" title "C, closed-loop capacity ($capacity/s)"
set output "$dir/open-model-latency.png"
set title "ballast, bench mix, open model (wrk2): latency from intended send time, all responses ($(date -u +%Y-%m-%d))"
set ylabel "latency (ms, log scale)"
set logscale y
plot "$rows" using 1:8 with linespoints lw 2 pt 7 title "p50", \
     "$rows" using 1:9 with linespoints lw 2 pt 5 title "p99", \
     "$rows" using 1:10 with linespoints lw 2 pt 9 title "p99.9"
PLOT
echo "plots: $dir/open-model-goodput.png $dir/open-model-latency.png"
