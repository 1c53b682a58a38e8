# test/reference/survival/make_reference.R
#
# Makes the data sets of sql/survival_reference.sql and R's answers for
# them, with R's survival package (Debian: r-base-core r-cran-survival):
#
#   cd test/reference/survival && Rscript make_reference.R
#
# Writes data.csv (dataset, grp, duration, event) and the references
# km.csv, median.csv, rmean.csv, at.csv and logrank.csv.  Numbers are
# written with 17 significant digits, so they read back to the same double.
# NA is written as an empty field (NULL for \copy ... CSV).

suppressMessages(library(survival))
set.seed(20261203)

g17 <- function(x) ifelse(is.na(x), "", sprintf("%.17g", x))

sets <- list()
add <- function(name, grp, duration, event) {
	sets[[length(sets) + 1]] <<- data.frame(dataset = name, grp = grp,
		duration = duration, event = as.integer(event))
}

# Whole days over two years, many ties of events and censorings, 3 groups
n <- 600
grp <- sample(c("a", "b", "c"), n, replace = TRUE)
rate <- c(a = 1/300, b = 1/450, c = 1/700)[grp]
life <- ceiling(rexp(n, rate))
cens <- sample(30:730, n, replace = TRUE)
add("days", grp, pmin(life, cens), life <= cens)

# Continuous durations (every value distinct, full double precision), 2 groups
n <- 400
grp <- sample(c("control", "treatment"), n, replace = TRUE)
life <- rexp(n, ifelse(grp == "control", 1/9.5, 1/13))
cens <- runif(n, 0.5, 30)
add("continuous", grp, pmin(life, cens), life <= cens)

# S reaches 0.5 exactly and stays there: R's median is the middle of the
# flat stretch (5 and 8 give 6.5)
add("flat_half", "all", c(1, 2, 3, 4, 5, 6, 8, 9, 10, 11), c(1, 1, 1, 1, 1, 0, 1, 0, 0, 0))
# S ends at 0.5: the middle of the stretch from 2 and the last time, 4
add("last_half", "all", c(1, 2, 3, 4), c(1, 1, 0, 0))
# Zero durations (events and censorings at 0), ties at every time
add("zeros", "all", c(0, 0, 0, 1, 1, 1, 2, 2, 4, 4, 4, 5),
	c(1, 0, 1, 1, 0, 1, 0, 1, 1, 1, 0, 0))
# Every subject an event: S drops to 0, no interval there
add("all_events", "all", c(2, 3, 3, 5, 8), c(1, 1, 1, 1, 1))
# Every subject censored: S stays 1, no median
add("all_censored", "all", c(1, 2, 2, 9), c(0, 0, 0, 0))
# One subject
add("one", "all", 7.25, 1)

data <- do.call(rbind, sets)
write.csv(data.frame(dataset = data$dataset, grp = data$grp,
					 duration = g17(data$duration), event = data$event),
		  "data.csv", row.names = FALSE, quote = FALSE)

km <- list(); med <- list(); rm <- list(); at <- list(); lr <- list()
taus <- c(0.5, 3, 10, 365, 1000)
times <- c(0, 1, 2.5, 3, 5, 12, 90, 180, 365, 730, 2000)
for (ds in unique(data$dataset)) {
	d <- data[data$dataset == ds, ]
	groups <- unique(d$grp)
	# each group alone, and (when there are several) all of them together
	for (g in c(groups, if (length(groups) > 1) "*")) {
		dg <- if (g == "*") d else d[d$grp == g, ]
		for (conf in c(0.95, 0.9)) {
			fit <- survfit(Surv(duration, event) ~ 1, data = dg,
						   conf.type = "log", conf.int = conf)
			s <- summary(fit, censored = TRUE)
			km[[length(km) + 1]] <- data.frame(dataset = ds, grp = g,
				conf = conf, time = g17(s$time), n_risk = s$n.risk,
				n_event = s$n.event, n_censor = s$n.censor, surv = g17(s$surv),
				std_err = g17(s$std.err), lower = g17(s$lower),
				upper = g17(s$upper))
			q <- quantile(fit, 0.5)
			med[[length(med) + 1]] <- data.frame(dataset = ds, grp = g,
				conf = conf, median = g17(unname(q$quantile)),
				lower = g17(unname(q$lower)), upper = g17(unname(q$upper)))
		}
		fit <- survfit(Surv(duration, event) ~ 1, data = dg)
		for (tau in taus) {
			# R refuses a horizon before the first time: no reference then
			tab <- tryCatch(summary(fit, rmean = tau)$table, error = function(e) NULL)
			if (!is.null(tab)) rm[[length(rm) + 1]] <- data.frame(dataset = ds, grp = g,
				tau = tau, rmean = g17(unname(tab["rmean"])))
		}
		sa <- summary(fit, times = times, extend = TRUE)
		at[[length(at) + 1]] <- data.frame(dataset = ds, grp = g,
			t = g17(sa$time), surv = g17(sa$surv))
	}
	if (length(groups) > 1) {
		x <- survdiff(Surv(duration, event) ~ grp, data = d)
		lr[[length(lr) + 1]] <- data.frame(dataset = ds,
			chisq = g17(x$chisq), df = length(x$n) - 1, p = g17(x$pvalue))
		# the first two groups alone
		d2 <- d[d$grp %in% groups[1:2], ]
		x <- survdiff(Surv(duration, event) ~ grp, data = d2)
		lr[[length(lr) + 1]] <- data.frame(dataset = paste0(ds, ":", groups[1], "+", groups[2]),
			chisq = g17(x$chisq), df = 1, p = g17(x$pvalue))
	}
}
w <- function(l, f) write.csv(do.call(rbind, l), f, row.names = FALSE, quote = FALSE, na = "")
w(km, "km.csv"); w(med, "median.csv"); w(rm, "rmean.csv"); w(at, "at.csv"); w(lr, "logrank.csv")
