// Draws the report's charts from the data-* attributes the server rendered on each canvas.
(() => {
    const colours = ['#198754', '#dc3545', '#ffc107', '#6c757d', '#0d6efd', '#6f42c1'];
    for (const canvas of document.querySelectorAll('canvas[data-chart]')) {
        const type = canvas.dataset.chart;
        const labels = JSON.parse(canvas.dataset.labels);
        const values = JSON.parse(canvas.dataset.values);
        new Chart(canvas, {
            type,
            data: {
                labels,
                datasets: [{
                    label: canvas.getAttribute('aria-label'),
                    data: values,
                    backgroundColor: type === 'pie' ? colours : '#0d6efd',
                }],
            },
            options: {
                animation: false,
                plugins: { legend: { display: type === 'pie', position: 'bottom' } },
                scales: type === 'pie' ? {} : { y: { beginAtZero: true, ticks: { precision: 0 } } },
            },
        });
    }
})();
